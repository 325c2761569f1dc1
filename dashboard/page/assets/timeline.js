// The timeline's filter and search run in the browser: they only show or hide items already on
// the page, so they cost the server nothing. Every search word must occur in an item's data-text.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    timeline: {
        filter: function (categories, search) {
            const chosen = new Set(categories || []);
            const words = (search || "").toLowerCase().split(/\s+/).filter(Boolean);
            const items = document.querySelectorAll("#timeline-list [data-category]");
            let shown = 0;
            items.forEach(function (item) {
                const text = item.dataset.text || "";
                const match = chosen.has(item.dataset.category) &&
                    words.every(function (word) { return text.includes(word); });
                item.style.display = match ? "" : "none";
                if (match) { shown += 1; }
            });
            return shown + " of " + items.length + " events shown";
        },
    },
});
