// The page's only door to Telegram (window.Telegram.WebApp), so the rest of the page works the
// same where it is missing or old (a browser test, an old client): every call is guarded.

const webApp = window.Telegram?.WebApp ?? null;

function supports(version) {
  return Boolean(webApp?.isVersionAtLeast?.(version));
}

export function initData() {
  return webApp?.initData ?? "";
}

export function start() {
  webApp?.ready?.();
  webApp?.expand?.();
}

export function onThemeChanged(handler) {
  webApp?.onEvent?.("themeChanged", handler);
}

// Telegram's back button, in the header: one handler for the page's life.
export const backButton = {
  available: supports("6.1"),
  onClick(handler) {
    if (supports("6.1")) webApp.BackButton.onClick(handler);
  },
  show(visible) {
    if (!supports("6.1")) return;
    if (visible) webApp.BackButton.show();
    else webApp.BackButton.hide();
  },
};

// Telegram's main button, at the bottom: mirrors the screen's own main button.
export const mainButton = {
  onClick(handler) {
    webApp?.MainButton?.onClick(handler);
  },
  hide() {
    webApp?.MainButton?.hide();
  },
  show({ text, active, busy }) {
    const button = webApp?.MainButton;
    if (!button) return;
    const label = text.trim().slice(0, 64);
    if (!label) {
      button.hide();
      return;
    }
    // hideProgress() makes the button active again: undo the progress before the rest.
    if (!busy && button.isProgressVisible) button.hideProgress();
    const theme = webApp.themeParams ?? {};
    // An inactive button keeps the theme's colours in some clients: dim it explicitly.
    const dimmed = !active && !busy && theme.secondary_bg_color && theme.hint_color;
    button.setParams({
      text: label,
      is_visible: true,
      is_active: active && !busy,
      color: dimmed ? theme.secondary_bg_color : false,
      text_color: dimmed ? theme.hint_color : false,
    });
    if (busy) button.showProgress(false);
  },
};

export function openLink(url) {
  if (webApp?.openLink) webApp.openLink(url);
  else window.open(url, "_blank", "noopener");
}

// `done(status)` gets "paid", "cancelled", "failed" or "pending" when Telegram has one.
export function openInvoice(link, done) {
  if (supports("6.1")) {
    try {
      webApp.openInvoice(link, done);
      return;
    } catch (error) {
      if (error?.message === "WebAppInvoiceOpened") return;
    }
  }
  openLink(link);
}

export function haptic(kind) {
  if (!supports("6.1")) return;
  if (kind === "select") webApp.HapticFeedback.selectionChanged();
  else webApp.HapticFeedback.notificationOccurred(kind);
}
