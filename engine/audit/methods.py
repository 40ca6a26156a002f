"""The statement of method of every check, as the report prints it."""

from __future__ import annotations

from schemas.audit import AuditSettings, Method

__all__ = ["methods"]


def methods(settings: AuditSettings, *, what_if: bool) -> tuple[Method, ...]:
    """How each check works, with the settings it ran with."""
    alpha, k, floor = settings.alpha, settings.suppress_below, settings.min_cases
    found = [
        Method(
            check="overrides",
            title="Overrides",
            statement=(
                "Every case is drafted again by the engine from its review. An override is a "
                "final rating that differs from a draft rating; it is 'up' when the final is "
                "higher on the scale and 'down' when lower. Drafts that were a status "
                "(insufficient evidence, needs human review) have no rating to override and are "
                "counted apart. Rates are overrides per rated draft, by appraiser, by career "
                "stage and by the rule that decided the draft. Reason codes are tallied; an "
                "override without one is flagged. A stored draft that differs from the replay "
                "under the same rule-set version is flagged."
            ),
        ),
        Method(
            check="appraisers",
            title="Appraiser leniency and severity",
            statement=(
                "For each appraiser with at least "
                f"{floor} rated drafts, two one-sided Fisher exact tests compare the share of "
                "their drafts moved up (leniency) and moved down (severity) with the same share "
                "among every other appraiser's drafts. Comparing with the drafts rather than "
                "with raw ratings allows for appraisers whose teachers' evidence differs. The "
                "p-values of all appraisers and both directions are adjusted together with "
                f"Holm's method, so the chance of any false flag in a cohort is at most {alpha:g}"
                f". Below {floor} rated drafts no judgement is made. Each appraiser's mean draft "
                "and final positions on the scale (0 = lowest) are shown beside the cohort's."
            ),
        ),
        Method(
            check="like-cases",
            title="Like cases rated differently",
            statement=(
                "Cases are grouped when their facts are equivalent: the same framework and "
                "career stage, the same statements met at the required modality in every row "
                "of the stage ledger, the same beyond-stage statements and concerns, and the "
                "same objective outcomes (and so the same draft). A group whose members "
                "received different final ratings is listed with every member, both sides."
            ),
        ),
        Method(
            check="groups",
            title="Outcomes by group",
            statement=(
                "For each monitored characteristic, the final ratings of each group are counted "
                "and given as a rate of the group, beside the rate for the rest of the cohort "
                f"and their ratio. Groups of fewer than {k} people are combined into one row. Any "
                f"count under {k} is suppressed, and further cells are suppressed (those hiding "
                "the fewest people) until no suppressed count can be worked out from the row "
                "sizes and the cohort's totals by subtraction, however chained: every "
                "suppressed cell then lies on a cycle of suppressed cells. A favourable outcome "
                "is any rating above the scale's lowest. Each group of at least "
                f"{k} people is tested with a one-sided Fisher exact test for fewer favourable "
                "outcomes than the rest, Holm-adjusted over every group of every "
                f"characteristic; it is flagged when the adjusted p is under {alpha:g} and its "
                f"favourable rate is under {settings.disparity_ratio:g} of the rest's. The "
                "favourable rate of the drafts is shown beside it: a gap that the drafts do not "
                "show arose in the decisions. A row's favourable figures are withheld when any "
                "of its counts is suppressed."
            ),
        ),
        Method(
            check="protected-absence",
            title="Protected absence",
            statement=(
                "Every case whose review records maternity/parental or disability-related "
                "absence overlapping the cycle, and whose final rating is the scale's lowest or "
                "whose pay progression was withheld, is flagged for a person to check that the "
                "period worked was judged and the absence did not count against the teacher."
            ),
        ),
        Method(
            check="rationale",
            title="Rationale completeness",
            statement=(
                "A final rating that departs from the draft (or that a person gave where the "
                "draft was a status) must rest on recorded reasons citing evidence from the "
                "review; it is flagged when no reason cites any. Any reason citing evidence "
                "dated outside the review cycle, or evidence the review does not hold, is "
                "flagged. Decisions that accept the draft rest on the draft's own rationale, "
                "which cites the evidence behind every rule. A decision recorded in the service "
                "cites evidence by choosing the review's items; one recorded before it could "
                "is read as citing the review's evidence ids its note names."
            ),
        ),
    ]
    if what_if:
        found.append(
            Method(
                check="what-if",
                title="What-if: two rule-set versions",
                statement=(
                    "Every review is drafted under both rule sets; every case whose draft "
                    "changes is listed with the rules that decided before and after, and "
                    "changes are summarised by career stage and appraiser (up/down on the scale)."
                ),
            )
        )
    return tuple(found)
