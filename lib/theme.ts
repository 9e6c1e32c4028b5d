/**
 * Light or dark, as the browser shows it: the user's choice (localStorage "theme": "light" or "dark"), else the
 * system's. THEME_SCRIPT runs inline before the page paints (app/layout.tsx, with the page's nonce): it puts
 * `light` or `dark` on <html> (Tailwind's `dark:` variant reads the class) with the matching color-scheme, follows
 * the system's setting and the other tabs' choices from then on, and answers the theme toggle's clicks
 * (components/theme-toggle.tsx: a server-rendered button marked `data-theme-toggle`), so the toggle needs no
 * script of the page's bundle and works as soon as it is on screen. On a change, transitions are off for a moment,
 * so every colour changes at once rather than fading.
 */
const THEME_STORAGE_KEY = "theme";

// Kept small and old-fashioned: it is sent, as text, with every page.
export const THEME_SCRIPT = `(function () {
  var root = document.documentElement, media = matchMedia("(prefers-color-scheme: dark)"), key = "${THEME_STORAGE_KEY}";
  function chosen() { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function show(theme) {
    root.classList.remove("light", "dark");
    root.classList.add(theme);
    root.style.colorScheme = theme;
  }
  function apply() {
    var theme = chosen();
    show(theme === "dark" || (theme !== "light" && media.matches) ? "dark" : "light");
  }
  apply();
  media.addEventListener("change", apply);
  addEventListener("storage", function (event) { if (event.key === null || event.key === key) apply(); });
  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element) || !event.target.closest("[data-theme-toggle]")) return;
    var next = root.classList.contains("dark") ? "light" : "dark", still = document.createElement("style");
    still.textContent = "*,*::before,*::after{transition:none!important}";
    document.head.appendChild(still);
    try { localStorage.setItem(key, next); } catch (e) {}
    show(next);
    getComputedStyle(document.body).opacity;
    setTimeout(function () { still.remove(); }, 1);
  });
})();`;
