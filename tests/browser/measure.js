// What the elder-friendly mode promises, measured on the rendered page (tests/browser/test_elder_mode.py):
// every text at least `minFont` px with line spacing of 1.5 and more, 7:1 contrast against what is
// really behind it, and every visible control (with a box's or a circle's label) at least `minTarget`
// square and `minControlHeight` tall.
({minFont, minLine, minTarget, minContrast, minControlHeight}) => {
  const problems = [];
  const shown = el => {
    if (el.closest('[aria-hidden=true]')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
    ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
  const rgb = s => s.match(/[\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = el => {  // the first opaque background at or above the element
    for (let at = el; at; at = at.parentElement) {
      const c = rgb(getComputedStyle(at).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const texts = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (node.textContent.trim() && el && shown(el)) texts.add(el);
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select')) {
    if (shown(el)) texts.add(el);
  }
  for (const el of texts) {
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    if (size < minFont) problems.push(`font ${size}px: ${name(el)}`);
    const line = style.lineHeight === 'normal' ? 1.2 * size : parseFloat(style.lineHeight);
    if (line / size < minLine - 1e-6 && !el.matches('input, select')) problems.push(`line height ${(line / size).toFixed(2)}: ${name(el)}`);
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(behind(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < minContrast) problems.push(`contrast ${ratio.toFixed(2)} (${style.color} on ${behind(el)}): ${name(el)}`);
  }
  for (const el of document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, label, summary')) {
    if (!shown(el)) continue;
    const target = el.matches('input[type=checkbox], input[type=radio]') ? el.closest('label') || el : el;
    const r = target.getBoundingClientRect();
    // A field's own label above it is a target (48 px in the elder mode) but not a control.
    const tall = el.matches('label') ? minTarget : Math.max(minTarget, minControlHeight || 0);
    if (r.width < minTarget - 0.01 || r.height < tall - 0.01) {
      problems.push(`target ${Math.round(r.width)}×${Math.round(r.height)}: ${name(el)}`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`sideways scrolling: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  }
  return problems;
}
