// A stand-in for https://telegram.org/js/telegram-web-app.js in browser tests: the parts of
// window.Telegram.WebApp the storefront uses, with the initData the test signed. What the page
// asks Telegram to do (open a link, an invoice) is recorded in window.__telegram for the test.
(function () {
  const calls = { opened: [], invoices: [], closed: 0 };
  function button() {
    const handlers = [];
    return {
      text: "", isVisible: false, isActive: true,
      setText(text) { this.text = text; return this; },
      show() { this.isVisible = true; return this; },
      hide() { this.isVisible = false; return this; },
      enable() { this.isActive = true; return this; },
      disable() { this.isActive = false; return this; },
      showProgress() { return this; },
      hideProgress() { return this; },
      setParams(params) { Object.assign(this, params); return this; },
      onClick(handler) { handlers.push(handler); return this; },
      offClick(handler) { const i = handlers.indexOf(handler); if (i >= 0) handlers.splice(i, 1); return this; },
      click() { handlers.slice().forEach((handler) => handler()); },
    };
  }
  window.__telegram = calls;
  window.Telegram = {
    WebApp: {
      initData: window.__initData || "__INIT_DATA__",
      initDataUnsafe: {},
      version: "8.0",
      isVersionAtLeast(version) {
        const [major, minor = 0] = String(version).split(".").map(Number);
        return major < 8 || (major === 8 && minor <= 0);
      },
      platform: "tdesktop",
      colorScheme: "light",
      themeParams: {},
      isExpanded: true,
      MainButton: button(),
      SecondaryButton: button(),
      BackButton: button(),
      HapticFeedback: { impactOccurred() {}, notificationOccurred() {}, selectionChanged() {} },
      ready() {},
      expand() {},
      close() { calls.closed += 1; },
      onEvent() {},
      offEvent() {},
      openLink(url) { calls.opened.push(url); },
      openTelegramLink(url) { calls.opened.push(url); },
      openInvoice(link, callback) { calls.invoices.push(link); if (callback) callback("pending"); },
      showAlert(message, callback) { if (callback) callback(); },
      showConfirm(message, callback) { if (callback) callback(true); },
    },
  };
})();
