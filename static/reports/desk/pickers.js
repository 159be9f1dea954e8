'use strict';
// Names for the admin's autocomplete pickers (select2), which screen readers otherwise announce
// without one: select2 names its box after the choice shown (nothing while empty) and gives the
// search field of a multiple choice no label. Each box is named by its field's label, as pickers
// appear: on load, when a row is added, when select2 redraws one.
{
    const labelFor = function(select) {
        return select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    };

    const name = function(select) {
        const label = labelFor(select);
        const container = select.nextElementSibling;
        if (!label || !container || !container.classList.contains('select2')) {
            return;
        }
        if (!label.id) {
            label.id = 'label-' + select.id;
        }
        const box = container.querySelector('.select2-selection');
        if (box) {
            const shown = box.querySelector('.select2-selection__rendered');
            const names = [label.id].concat(shown && shown.id ? [shown.id] : []).join(' ');
            if (box.getAttribute('aria-labelledby') !== names) {
                box.setAttribute('aria-labelledby', names);
            }
        }
        // The choice shown is announced as a read-only text box of its own: named by the label too.
        container.querySelectorAll('.select2-search__field, .select2-selection__rendered[role="textbox"]').forEach(function(search) {
            if (search.getAttribute('aria-labelledby') !== label.id) {
                search.setAttribute('aria-labelledby', label.id);
            }
        });
        // The chosen items of a multiple choice are a list holding the search field too: not a list to announce.
        container.querySelectorAll('ul.select2-selection__rendered:not([role])').forEach(function(list) {
            list.setAttribute('role', 'none');
        });
    };

    const nameAll = function() {
        document.querySelectorAll('select.admin-autocomplete').forEach(name);
    };

    window.addEventListener('load', function() {
        nameAll();
        new MutationObserver(nameAll).observe(document.body, {childList: true, subtree: true});
    });
}
