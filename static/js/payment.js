// Card payment. The provider's own field (Stripe.js) turns the card into a one-time
// token in the browser; the shop charges it server to server and answers whether the
// order is paid, refused, or needs the bank's check (3-D Secure), which Stripe.js runs.
// Whatever the browser saw, the shop asks the provider itself before calling it paid.
const form = document.querySelector("form[data-payment]");

if (form && typeof Stripe === "function") {
  const stripe = Stripe(form.dataset.key, { locale: document.documentElement.lang || "fr" });
  const card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  const button = form.querySelector("button[type=submit]");
  const error = form.querySelector("[data-payment-error]");
  const status = form.querySelector("[data-payment-status]");

  const show = (message) => {
    error.textContent = message || "";
    error.hidden = !message;
    status.textContent = "";
    button.disabled = false;
  };

  const post = async (url, fields) => {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    Object.entries(fields).forEach(([name, value]) => body.append(name, value));
    const response = await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return response.json();
  };

  const settle = async (answer) => {
    if (answer.redirect) {
      // Paid, or no longer waiting for a payment: the order's page says which.
      window.location.assign(answer.redirect);
      return;
    }
    if (answer.state === "requires_action") {
      status.textContent = form.dataset.checking;
      await stripe.confirmCardPayment(answer.client_secret);
      await settle(await post(form.dataset.check, { attempt: answer.attempt }));
      return;
    }
    // Refused: a new try gets a new key; the same key again would be the same try.
    if (answer.attempt) form.elements.attempt.value = answer.attempt;
    show(answer.message || form.dataset.unreachable);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    error.hidden = true;
    status.textContent = form.dataset.paying;
    try {
      const { token, error: cardError } = await stripe.createToken(card);
      if (cardError || !token) {
        show(form.dataset.cardInvalid);
        return;
      }
      await settle(
        await post(form.action, { attempt: form.elements.attempt.value, card_token: token.id }),
      );
    } catch (problem) {
      // The answer was lost: the card may have been charged. The order's page knows.
      show(form.dataset.unconfirmed);
    }
  });
} else if (form) {
  // Stripe.js did not load (blocked or unreachable): say so rather than post nothing.
  const error = form.querySelector("[data-payment-error]");
  error.textContent = form.dataset.unreachable;
  error.hidden = false;
  form.querySelector("button[type=submit]").disabled = true;
}
