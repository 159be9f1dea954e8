'use strict';
// The report form of the desk: entities the text mentions, offered for linking as the analyst
// writes; quote markers put in the text at the cursor; the next number for a new note or quote.
// Loaded in the page's head (form media): it starts once the form is there.
document.addEventListener('DOMContentLoaded', function() {
    const form = document.getElementById('report_form');
    const body = document.getElementById('id_body');
    const mentionsBox = document.getElementById('entity-mentions');
    const RELATIONS = {organizations: 'organization', people: 'person', outlets: 'outlet'};
    let waiting = null;

    const writtenText = function() {
        const parts = [document.getElementById('id_title'), body];
        form.querySelectorAll('textarea[name^="quotes-"]').forEach(function(area) {
            if (!area.name.includes('__prefix__')) {
                parts.push(area);
            }
        });
        return parts.filter(Boolean).map(function(field) { return field.value; }).join('\n');
    };

    const linkedIds = function(relation) {
        const select = document.getElementById('id_' + relation);
        return select ? Array.from(select.selectedOptions, function(option) { return option.value; }) : [];
    };

    const link = function(mention) {
        const select = document.getElementById('id_' + mention.relation);
        if (!select) {
            return;
        }
        select.append(new Option(mention.name, mention.id, true, true));
        django.jQuery(select).trigger('change');
        askForMentions();
    };

    const showMentions = function(mentions) {
        mentionsBox.replaceChildren();
        mentionsBox.hidden = mentions.length === 0;
        if (!mentions.length) {
            return;
        }
        const heading = document.createElement('h2');
        heading.textContent = 'Mentioned in the text but not linked';
        const list = document.createElement('ul');
        mentions.forEach(function(mention) {
            const item = document.createElement('li');
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'button';
            button.textContent = 'Link';
            button.setAttribute('aria-label', 'Link ' + mention.name);
            button.addEventListener('click', function() { link(mention); });
            const written = mention.spelling === mention.name ? '' : ', written “' + mention.spelling + '”';
            item.append(button, ' ' + mention.name + ' (' + RELATIONS[mention.relation] + written + ')');
            list.append(item);
        });
        mentionsBox.append(heading, list);
    };

    const askForMentions = function() {
        const data = new FormData();
        data.append('text', writtenText());
        Object.keys(RELATIONS).forEach(function(relation) {
            linkedIds(relation).forEach(function(id) { data.append(relation, id); });
        });
        const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
        fetch(mentionsBox.dataset.url, {method: 'POST', body: data, headers: {'X-CSRFToken': token}, credentials: 'same-origin'})
            .then(function(response) { return response.ok ? response.json() : null; })
            .then(function(answer) { if (answer) { showMentions(answer.mentions); } })
            .catch(function() { /* suggestions are a help: the form works without them */ });
    };

    const askSoon = function() {
        clearTimeout(waiting);
        waiting = setTimeout(askForMentions, 500);
    };

    const putQuoteMarker = function(button) {
        const number = button.closest('.inline-related').querySelector('input[name$="-position"]').value;
        if (!body || !number) {
            return;
        }
        const marker = '\n\n[quote ' + number + ']\n\n';
        const at = body.selectionStart;
        body.value = body.value.slice(0, at).replace(/\s*$/, '') + marker + body.value.slice(body.selectionEnd).replace(/^\s*/, '');
        body.focus();
        body.selectionStart = body.selectionEnd = body.value.indexOf(marker) + marker.length;
        askSoon();
    };

    const numberNewRow = function(event) {
        const prefix = event.detail && event.detail.formsetName;
        const input = event.target.querySelector('input[name$="-position"]');
        if (!prefix || !input || input.value) {
            return;
        }
        const numbers = Array.from(document.querySelectorAll('#' + prefix + '-group input[name$="-position"]'))
            .filter(function(other) { return other !== input && !other.name.includes('__prefix__'); })
            .map(function(other) { return parseInt(other.value, 10); })
            .filter(function(number) { return !isNaN(number); });
        input.value = (numbers.length ? Math.max.apply(null, numbers) : 0) + 1;
    };

    if (form) {
        form.addEventListener('click', function(event) {
            const button = event.target.closest('.insert-quote-marker');
            if (button) {
                putQuoteMarker(button);
            }
        });
        document.addEventListener('formset:added', numberNewRow);
        if (mentionsBox && body) {
            form.addEventListener('input', function(event) {
                if (event.target.matches('textarea, #id_title')) {
                    askSoon();
                }
            });
            askForMentions();
        }
    }
});
