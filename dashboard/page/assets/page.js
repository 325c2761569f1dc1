// The page's own functions for its clientside callbacks (dashboard.page.callbacks and downloads
// name them): files from this origin, not inline strings, so the CSP need allow no more.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    page: {
        // The charts area's width, measured now and again after a resize: figures lay out their
        // event labels for it. set_props pushes a new width without a server round trip.
        width: function (_path) {
            function measure() {
                const area = document.getElementById("charts");
                const width = area ? area.clientWidth : window.innerWidth;
                return Math.floor(width / 40) * 40;
            }
            if (!window._amWidthWatch) {
                window._amWidthWatch = true;
                let timer = null;
                window.addEventListener("resize", function () {
                    clearTimeout(timer);
                    timer = setTimeout(function () {
                        const width = measure();
                        if (width !== window._amWidth) {
                            window._amWidth = width;
                            dash_clientside.set_props("width", {data: width});
                        }
                    }, 300);
                });
            }
            window._amWidth = measure();
            return window._amWidth;
        },

        // The link on the host actually serving the page; where the clipboard is refused (plain
        // http on another host), the link is shown selected for the reader to copy.
        copyLink: function (clicks) {
            const noUpdate = window.dash_clientside.no_update;
            if (!clicks) { return [noUpdate, noUpdate, ""]; }
            const link = window.location.href;
            if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(link);
                return [link, "form-control-sm d-none", "Link copied"];
            }
            setTimeout(function () {
                const box = document.getElementById("link-box");
                if (box) { box.focus(); box.select(); }
            }, 50);
            return [link, "form-control-sm link-box", "Press Ctrl+C to copy the link"];
        },

        toggle: function (n, open) { return n ? !open : open; },

        // A new table selection or new data: the grid drops its rows and asks for its first
        // block again.
        reloadTable: function (_key) {
            try {
                dash_ag_grid.getApi("table").purgeInfiniteCache();
            } catch (e) {
                // Not initialised yet: it asks for its first block itself when it is.
            }
            return window.dash_clientside.no_update;
        },

        // The charts' own buttons (data-chart, data-fmt; panels.chart_buttons) have no Dash ids:
        // one listener on the page turns a click into a chart-request. Pattern-matched ids on
        // every chart made Dash's renderer re-resolve them, and call the server twice, each time
        // the charts changed.
        chartClicks: function (_path) {
            if (!window._amChartClicks) {
                window._amChartClicks = true;
                document.addEventListener("click", function (event) {
                    const button = event.target.closest("button[data-chart]");
                    if (!button) { return; }
                    dash_clientside.set_props("chart-request", {data: {
                        indicator: button.dataset.chart, fmt: button.dataset.fmt, at: Date.now()
                    }});
                });
            }
            return window.dash_clientside.no_update;
        },
    },
});
