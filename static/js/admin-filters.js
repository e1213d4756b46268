// Submits an admin filter form when its autocomplete changes (an inline onchange would break the CSP).
// select2 announces changes through jQuery, so listen through the admin's own jQuery.
"use strict";
(function ($) {
  $(document).on("change", "select[data-submit-on-change]", function () {
    this.form.submit();
  });
})(window.django ? window.django.jQuery : window.jQuery);
