document.documentElement.lang = document.documentElement.lang || "en";  // until the page template says it
