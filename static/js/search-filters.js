// The search page's filters sit behind their "Filter" control on a phone, so the
// results come first; on a wide screen they stay open beside the results.
const narrow = window.matchMedia("(max-width: 48rem)");
const filters = document.querySelector("details.filters");

if (filters) {
  const fit = () => {
    filters.open = !narrow.matches;
  };
  fit();
  narrow.addEventListener("change", fit);
}
