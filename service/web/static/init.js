// Loaded as a module by every page (base.html): the classes GOV.UK Frontend's components look
// for (its template sets them inline, which the pages' CSP forbids), then its components.
import { initAll } from "/assets/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
