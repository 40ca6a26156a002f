// The meeting page prints with every fold open: for browsers whose print CSS cannot open a
// closed <details> (meeting.css does it in Chromium), open them before printing and
// close again after. The page reads the same without this script.
const opened = [];

window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details:not([open])")) {
    details.open = true;
    opened.push(details);
  }
});

window.addEventListener("afterprint", () => {
  for (const details of opened.splice(0)) {
    details.open = false;
  }
});
