// Until the page template says them itself: the page's language, and Dash's script holder is a
// plain footer, not a second "contentinfo" landmark beside the page's own footer.
document.documentElement.lang = document.documentElement.lang || "en";
document.querySelectorAll("body > footer:not([class])").forEach(function (footer) {
  footer.setAttribute("role", "none");
});
