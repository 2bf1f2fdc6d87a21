// On a phone the menu starts folded so that the page comes first; it stays open on wider screens
// and without JavaScript (the <details> element is open in the HTML).
(function () {
  "use strict";
  var menu = document.querySelector(".main-nav__toggle");
  if (menu && window.matchMedia("(max-width: 40rem)").matches) {
    menu.removeAttribute("open");
  }
})();
