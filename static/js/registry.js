// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen readers announce it; after
  // an action, to its outcome (the notice). A problem goes first: it is what needs doing next.
  const summary =
    document.querySelector("[role=alert][data-autofocus]") ||
    document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }

  // A link in an error summary (or in the stale-edit comparison) goes to the field itself.
  // When it names a group (a fieldset of radios or checkboxes, or a block of fields), focus
  // the group's first control; show the label or legend too, so the question can be read.
  const CONTROLS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
  const focusField = (hash) => {
    const target = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) {
      return false;
    }
    const control = target.matches(CONTROLS) ? target : target.querySelector(CONTROLS);
    if (!control) {
      return false;
    }
    const group = target === control ? null : target;
    const caption =
      (group && group.querySelector("legend, .label-like")) ||
      (control.labels && control.labels[0]) ||
      control;
    control.focus({ preventScroll: true });
    caption.scrollIntoView({ block: "start" });
    return true;
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".error-summary a[href^='#'], .stale-panel a[href^='#']");
    if (link && focusField(link.hash)) {
      event.preventDefault();
      if (history.replaceState) {
        history.replaceState(null, "", link.hash);
      }
    }
  });
  // Arriving from another page at a field (a "Change" link on check your answers, or what to
  // fix in its list): that field has focus, unless the page has something to say first.
  if (!summary && document.querySelector("form")) {
    focusField(location.hash);
  }

  // A wide table scrolls sideways on a narrow screen (the CSS does that); when it does, it
  // must be reachable with the keyboard so it can be scrolled with the arrow keys.
  const tables = Array.from(document.querySelectorAll("table.table"));
  const scrollableTables = () => {
    for (const table of tables) {
      const scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollFocus = "";
      } else if (!scrolls && "scrollFocus" in table.dataset) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollFocus;
      }
    }
  };
  if (tables.length) {
    scrollableTables();
    window.addEventListener("resize", scrollableTables);
  }

  for (const picker of document.querySelectorAll("[data-person-picker]")) {
    enhancePeoplePicker(picker);
  }
});

// A people question (templates/macros/people_picker.html): the server's search box and "Find
// people" button become a combobox that searches as you type, following the WAI-ARIA Authoring
// Practices' combobox with a listbox popup (list autocomplete, manual selection). The people
// chosen become a list with a "Remove <name>" button each; their ids are posted in hidden
// inputs under the question's name, exactly as the checkboxes or radios posted them.
function enhancePeoplePicker(root) {
  const input = root.querySelector(".person-search-input");
  const row = root.querySelector(".person-search-row");
  const label = root.querySelector(".person-search label");
  if (!input || !row || !label || !root.dataset.searchUrl || !window.fetch) {
    return;
  }
  const texts = JSON.parse(root.dataset.texts || "{}");
  const say = (template, values) =>
    (template || "").replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  const multiple = root.dataset.multiple === "true";
  const name = root.dataset.name;
  const base = root.id;

  // Who is chosen: read from the boxes the server ticked.
  const chosen = new Map();
  for (const box of root.querySelectorAll(".person-chosen input:checked")) {
    if (box.value) {
      chosen.set(box.value, {
        id: box.value,
        name: box.dataset.personName || "",
        email: box.dataset.personEmail || "",
        unit: box.dataset.personUnit || "",
      });
    }
  }
  const block = root.querySelector(".person-chosen-block");
  const none = block.querySelector(".person-none");
  const list = document.createElement("ul");
  list.className = "person-chosen-list";
  const serverList = block.querySelector(".person-chosen");
  if (serverList) {
    serverList.replaceWith(list);
  } else {
    block.append(list);
  }
  const detailOf = (person) => [person.email, person.unit].filter(Boolean).join(", ");
  const personText = (person, element) => {
    const who = document.createElement("span");
    who.className = "person-name";
    who.dir = "auto";
    who.textContent = person.name;
    const detail = document.createElement("span");
    detail.className = "person-detail";
    detail.textContent = detailOf(person);
    element.append(who, " ", detail);
  };

  // The combobox: the search box, its popup list of people, and a status line that says (and
  // a screen reader announces) how many were found, or who was added or removed.
  const combobox = document.createElement("div");
  combobox.className = "person-combobox";
  row.insertBefore(combobox, input);
  combobox.append(input);
  const listbox = document.createElement("ul");
  listbox.id = `${base}-listbox`;
  listbox.className = "person-listbox";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-labelledby", label.id);
  listbox.hidden = true;
  // Pressing an option (or the list's scroll bar) keeps focus in the search box, so the list
  // stays open; releasing the button on an option chooses it.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  combobox.append(listbox);
  const status = document.createElement("p");
  status.className = "person-status visually-hidden";
  status.id = `${base}-status`;
  status.setAttribute("role", "status");
  root.querySelector(".person-search").append(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);
  const find = root.querySelector(".person-find");
  if (find) {
    find.hidden = true; // searching happens as you type
  }

  let options = [];
  let active = -1;
  let timer = 0;
  let pending = null;

  // Said to screen readers each time; shown too when nothing else on screen says it (no one
  // found, the search failed): a count, or who was added, the list itself shows.
  const announce = (message, shown = false) => {
    status.textContent = message;
    status.classList.toggle("visually-hidden", !shown);
  };

  const renderChosen = () => {
    list.replaceChildren();
    for (const person of chosen.values()) {
      const item = document.createElement("li");
      personText(person, item);
      const kept = document.createElement("input");
      kept.type = "hidden";
      kept.name = name;
      kept.value = person.id;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "person-remove";
      const whom = document.createElement("span");
      whom.className = "visually-hidden";
      whom.textContent = ` ${person.name}`;
      remove.append(texts.remove || "Remove", whom);
      remove.addEventListener("click", () => {
        chosen.delete(person.id);
        renderChosen();
        announce(say(texts.removed, { name: person.name }));
        input.focus();
      });
      item.append(kept, remove);
      list.append(item);
    }
    list.hidden = chosen.size === 0;
    if (none) {
      none.hidden = chosen.size > 0;
    }
  };

  const setActive = (index) => {
    active = index;
    options.forEach((entry, position) => {
      const on = position === index;
      entry.option.classList.toggle("person-option-active", on);
      entry.option.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].option.id);
      options[index].option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const open = () => {
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };

  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };

  const choose = (person) => {
    if (!multiple) {
      chosen.clear();
    }
    chosen.set(String(person.id), person);
    renderChosen();
    input.value = "";
    options = [];
    listbox.replaceChildren();
    close();
    announce(say(texts.added, { name: person.name }));
  };

  const show = (data, query) => {
    if (input.value.trim() !== query) {
      return; // typed on (or chose someone) meanwhile: another answer is coming, or none is due
    }
    const people = (data.people || [])
      .map((person) => ({ ...person, id: String(person.id), unit: person.unit || "" }))
      .filter((person) => !chosen.has(person.id));
    listbox.replaceChildren();
    options = people.map((person) => {
      const option = document.createElement("li");
      option.id = `${base}-option-${person.id}`;
      option.className = "person-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      personText(person, option);
      option.addEventListener("click", () => {
        choose(person);
        input.focus();
      });
      listbox.append(option);
      return { option, person };
    });
    setActive(-1);
    if (!options.length) {
      close();
      announce(say(texts.found_none, { query }), true);
      return;
    }
    open();
    const count = String(options.length);
    if (data.more) {
      announce(say(texts.found_more, { count }));
    } else {
      announce(say(options.length === 1 ? texts.found_one : texts.found_many, { count }));
    }
  };

  const search = () => {
    window.clearTimeout(timer);
    const query = input.value.trim();
    if (pending) {
      pending.abort(); // an answer to what was typed before is no longer wanted
    }
    if (!query) {
      options = [];
      listbox.replaceChildren();
      close();
      announce("");
      return;
    }
    pending = new AbortController();
    const url = new URL(root.dataset.searchUrl, window.location.href);
    url.searchParams.set("q", query);
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then((response) => {
        // Signed out meanwhile, the search answers with the sign-in page: not people.
        const json = (response.headers.get("Content-Type") || "").includes("json");
        if (!response.ok || response.redirected || !json) {
          throw new Error(`people search answered ${response.status}`);
        }
        return response.json();
      })
      .then((data) => show(data, query))
      .catch((error) => {
        if (error.name !== "AbortError") {
          close();
          announce(texts.failed || "", true);
        }
      });
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 200);
  });
  input.addEventListener("keydown", (event) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (listbox.hidden) {
          if (options.length) {
            open();
            setActive(event.altKey ? -1 : 0);
          } else if (input.value.trim()) {
            search();
          }
        } else {
          setActive(active < options.length - 1 ? active + 1 : 0);
        }
        break;
      case "ArrowUp":
        event.preventDefault();
        if (listbox.hidden) {
          if (options.length) {
            open();
            setActive(options.length - 1);
          }
        } else {
          setActive(active > 0 ? active - 1 : options.length - 1);
        }
        break;
      case "Enter":
        // Enter here chooses (or searches at once); it never submits the form half done.
        event.preventDefault();
        if (!listbox.hidden && active >= 0) {
          choose(options[active].person);
        } else if (input.value.trim()) {
          search();
        }
        break;
      case "Escape":
        if (!listbox.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          options = [];
          listbox.replaceChildren();
          announce("");
        }
        break;
      case "Tab":
        close();
        break;
      default:
        break;
    }
  });
  input.addEventListener("blur", close);
  renderChosen();
}
