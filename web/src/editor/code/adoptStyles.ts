import { StyleModule } from 'style-mod';

/**
 * CodeMirror styles itself through style-mod, which for a document adds a <style> element. The app's
 * CSP (style-src 'self', no inline style) refuses that element, so the editor had no styles at all:
 * white space collapsed, a line holding only an indent had nowhere for the caret, and text typed after
 * Enter or Tab landed at the end of the line above. A constructed style sheet is CSSOM, which a CSP
 * does not govern: the document's modules go into one adopted sheet instead, in style-mod's order
 * (a module later in a mount wins over an earlier one). Shadow roots keep style-mod's own adopted sheets.
 */
export function adoptCodeMirrorStyles(doc: Document = document) {
  const original = StyleModule.mount;
  if ((original as { adopted?: true }).adopted) return;
  const sheet = new CSSStyleSheet();
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  const order: StyleModule[] = [];
  const mount: typeof original = (root, modules, options) => {
    if (root !== doc) return original(root, modules, options);
    let changed = false;
    let j = 0;
    for (const mod of modules instanceof StyleModule ? [modules] : modules) {
      let index = order.indexOf(mod);
      if (index > -1 && index < j) {
        // Asked for after a module it used to precede: moved to its new place.
        order.splice(index, 1);
        j--;
        index = -1;
      }
      if (index === -1) {
        order.splice(j++, 0, mod);
        changed = true;
      } else j = index + 1;
    }
    if (changed) sheet.replaceSync(order.map((m) => m.getRules()).join('\n'));
  };
  StyleModule.mount = Object.assign(mount, { adopted: true as const });
}
