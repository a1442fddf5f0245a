// Herald console, the campaign manager's pages: the segment editor's row builder and live count,
// the new campaign's message value inputs following its template choices, and a campaign's funnel
// refreshing itself while it runs. Every page works without this file: the rule is a textarea,
// "Preview" posts the form (and brings the value inputs its templates need), a reload shows the funnel.
(() => {
  const DEBOUNCE_MS = 400;
  const POLL_MS = 2000;
  // Operators whose value is a list, typed comma-separated in the builder.
  const LISTS = new Set(['in', 'notIn', 'between', 'hasAnyTag', 'hasAllTags']);

  const editor = document.querySelector('[data-segment-form]');
  if (editor) segmentEditor(editor);
  const funnel = document.querySelector('[data-poll]');
  if (funnel) poll(funnel);
  const values = document.querySelector('[data-variables]');
  if (values) messageValues(values);
  const plan = document.querySelector('[data-plan]');
  if (plan) templatePicker(plan);

  function segmentEditor(form) {
    const textarea = form.querySelector('[data-rule]');
    const purpose = form.querySelector('[data-purpose]');
    const out = document.querySelector('[data-count]');
    let timer;
    let latest = 0;

    async function count() {
      const mine = ++latest;
      out.setAttribute('aria-busy', 'true');
      try {
        const response = await fetch(out.dataset.countUrl, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-csrf-token': form.elements._csrf.value },
          body: JSON.stringify({ rule: textarea.value, purpose: purpose.value }),
        });
        // An older request answering late must not replace a newer count.
        if (mine !== latest) return;
        if (!response.ok || response.redirected) throw new Error(`count answered ${response.status}`);
        out.innerHTML = await response.text();
      } catch {
        if (mine === latest) out.querySelector('[data-count-value]')?.classList.add('stale');
      } finally {
        if (mine === latest) out.removeAttribute('aria-busy');
      }
    }
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(count, DEBOUNCE_MS);
    };

    textarea.addEventListener('input', schedule);
    purpose.addEventListener('change', schedule);
    ruleBuilder(form.querySelector('[data-rule-builder]'), textarea, schedule);
    // A new segment arrives without a count: show the book's size before the first edit.
    if (!out.querySelector('[data-count-value]')) count();
  }

  /** Field / operator / value rows under "all" or "any", written into the textarea as JSON on every change. */
  function ruleBuilder(builder, textarea, changed) {
    const fields = JSON.parse(builder.dataset.fields);
    const labels = JSON.parse(builder.dataset.labels || '{"fields":{},"operators":{},"values":{}}');
    const byName = new Map(fields.map((field) => [field.name, field]));
    const rows = builder.querySelector('[data-rows]');
    const template = builder.querySelector('[data-row-template]');
    const combinator = builder.querySelector('[data-combinator]');
    const tooComplex = builder.querySelector('[data-too-complex]');

    function addRow(condition) {
      const row = template.content.firstElementChild.cloneNode(true);
      const field = row.querySelector('[data-field]');
      const op = row.querySelector('[data-op]');
      let value = row.querySelector('[data-value]');
      // People read labels in their language; the rule keeps the language's names.
      for (const { name } of fields) field.add(new Option(labels.fields[name] || name, name));
      field.value = condition.field;
      /** A pick list for a field with fixed values (several for "is one of"), a text box otherwise. */
      const valueInput = (definition) => {
        const typed = value.value;
        const choices = definition.values || (definition.type === 'boolean' ? ['true', 'false'] : undefined);
        const picks = choices && op.value !== 'exists';
        const next = picks ? document.createElement('select') : document.createElement('input');
        next.dataset.value = '';
        next.setAttribute('aria-label', value.getAttribute('aria-label'));
        if (picks) {
          next.multiple = LISTS.has(op.value);
          const shown = labels.values[definition.type === 'boolean' ? '$boolean' : definition.name] || {};
          for (const v of choices) next.add(new Option(shown[v] || v, v));
          const chosen = typed.split(',').map((v) => v.trim());
          for (const option of next.options) option.selected = chosen.includes(option.value);
        } else {
          next.value = typed;
          next.placeholder = definition.type === 'integer' || definition.type === 'money' ? '0' : '';
        }
        next.addEventListener(picks ? 'change' : 'input', write);
        value.replaceWith(next);
        value = next;
      };
      const refresh = () => {
        const definition = byName.get(field.value);
        const current = op.value;
        op.replaceChildren(...definition.operators.map((name) => new Option(labels.operators[name] || name, name)));
        if (definition.operators.includes(current)) op.value = current;
        valueInput(definition);
        value.hidden = op.value === 'exists';
      };
      value.value = condition.value === undefined ? '' : [].concat(condition.value).join(', ');
      refresh();
      if (condition.op) op.value = condition.op;
      valueInput(byName.get(field.value));
      value.hidden = op.value === 'exists';
      field.addEventListener('change', () => (refresh(), write()));
      op.addEventListener('change', () => (refresh(), write()));
      row.querySelector('[data-remove-row]').addEventListener('click', () => (row.remove(), write()));
      rows.append(row);
    }

    function conditionOf(row) {
      const field = row.querySelector('[data-field]').value;
      const op = row.querySelector('[data-op]').value;
      if (op === 'exists') return { field, op };
      const type = byName.get(field).type;
      const input = row.querySelector('[data-value]');
      const text = input.multiple ? [...input.selectedOptions].map((o) => o.value).join(',') : input.value;
      const one = (raw) => {
        const s = raw.trim();
        if ((type === 'integer' || type === 'money') && s !== '' && !Number.isNaN(Number(s))) return Number(s);
        if (type === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
        return s;
      };
      const value = LISTS.has(op)
        ? text
            .split(',')
            .map(one)
            .filter((v) => v !== '')
        : one(text);
      return { field, op, value };
    }

    function write() {
      const conditions = [...rows.children].map(conditionOf);
      textarea.value = JSON.stringify({ [combinator.value]: conditions }, null, 2);
      changed();
    }

    /** Rows from the textarea when it is one flat list of conditions; otherwise the JSON is the editor. */
    function read() {
      let rule;
      try {
        rule = JSON.parse(textarea.value);
      } catch {
        return;
      }
      const key =
        rule && typeof rule === 'object' && Object.keys(rule).length === 1 ? ['all', 'any'].find((k) => k in rule) : undefined;
      const flat =
        key !== undefined &&
        Array.isArray(rule[key]) &&
        rule[key].every((c) => c && typeof c === 'object' && byName.has(c.field) && typeof c.op === 'string');
      builder.disabled = !flat;
      tooComplex.hidden = flat;
      if (!flat) return;
      combinator.value = key;
      rows.replaceChildren();
      rule[key].forEach(addRow);
    }

    builder.querySelector('[data-add-row]').addEventListener('click', () => {
      addRow({ field: fields[0].name });
      write();
    });
    combinator.addEventListener('change', write);
    textarea.addEventListener('change', read);
    read();
    builder.hidden = false;
  }

  /**
   * Shows the message value inputs the chosen templates use (`template/channel` → field paths, from
   * the server); the others are hidden and disabled, so they are not sent. What the server wrote
   * about each field (required, used by) was for the choice it saw, so it goes at the first change.
   */
  function messageValues(fieldset) {
    const use = JSON.parse(fieldset.dataset.variables);
    const form = fieldset.form;
    const refresh = () => {
      const used = new Set(
        [...form.querySelectorAll('select[name$="[template]"]')].flatMap((select) => {
          const channel = form.elements[select.name.replace('[template]', '[channel]')];
          return select.value && channel ? (use[`${select.value}/${channel.value}`] ?? []) : [];
        }),
      );
      for (const row of fieldset.querySelectorAll('[data-variable]')) {
        row.hidden = !used.has(row.dataset.variable);
        for (const input of row.querySelectorAll('input')) input.disabled = row.hidden;
      }
      for (const detail of fieldset.querySelectorAll('[data-variable-detail]')) detail.remove();
    };
    form.addEventListener('change', (event) => {
      if (event.target.matches('select[name^="steps["]')) refresh();
    });
  }

  /**
   * Offers in each plan row only the templates of the campaign's purpose with a variant for the
   * row's channel, as the server does on every render; a choice no longer offered is cleared
   * (the server refuses it anyway), and the message value inputs follow.
   */
  function templatePicker(table) {
    const form = table.closest('form');
    const purpose = form.elements.purpose;
    const refresh = () => {
      for (const select of table.querySelectorAll('select[name$="[template]"]')) {
        const channel = form.elements[select.name.replace('[template]', '[channel]')].value;
        for (const option of select.querySelectorAll('option[data-purpose]')) {
          const offered = option.dataset.purpose === purpose.value && option.dataset.channels.split(' ').includes(channel);
          option.hidden = !offered;
          option.disabled = !offered;
        }
        if (select.selectedOptions[0]?.disabled) {
          select.value = '';
          select.dispatchEvent(new Event('change', { bubbles: true }));
        }
      }
    };
    form.addEventListener('change', (event) => {
      if (event.target === purpose || event.target.matches('select[name$="[channel]"]')) refresh();
    });
  }

  /** Replaces the funnel with a fresh one every few seconds; a changed status reloads the page (its buttons change too). */
  function poll(section) {
    setTimeout(async () => {
      try {
        const response = await fetch(section.dataset.poll, { credentials: 'same-origin' });
        if (!response.ok || response.redirected) throw new Error(`funnel answered ${response.status}`);
        const holder = document.createElement('div');
        holder.innerHTML = await response.text();
        const next = holder.querySelector('#funnel');
        if (next.dataset.status !== section.dataset.status) return location.reload();
        section.replaceWith(next);
        if (next.dataset.poll) poll(next);
      } catch {
        poll(section);
      }
    }, POLL_MS);
  }
})();
