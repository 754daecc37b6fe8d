// Building the document (text only, never HTML strings) and the words in it.

let texts = {};
let locale = "en";

export function useTexts(translated, language) {
  texts = translated ?? {};
  locale = (language || "en").replace("_", "-");
}

// The text `key` in the reader's language, its {placeholders} filled from `values`.
export function t(key, values = {}) {
  const text = texts[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

export function number(value, fractionDigits = 0) {
  try {
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    }).format(value);
  } catch {
    return String(value);
  }
}

export function languageTag() {
  return locale;
}

// h("button", {class: "btn", testid: "pay", onclick}, "Pay"): properties, then children.
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "testid") element.dataset.testid = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...present(children));
  return element;
}

// Puts `children` in place of what `element` held; null, undefined and false are left out.
export function fill(element, ...children) {
  element.replaceChildren(...present(children));
  return element;
}

function present(children) {
  return children
    .flat()
    .filter((child) => child !== null && child !== undefined && child !== false);
}
