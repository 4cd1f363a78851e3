// The dialogs: a new group, a group's settings (what the user's role allows) and rooms.
// Each action is a promise from the app; a rejection's message appears in the dialog.

/** User names typed as "bob, carol dave". */
export function names(text) {
    return text.split(/[\s,;]+/).map((name) => name.trim().replace(/^@/, '')).filter((name) => name !== '');
}

function wire(dialog) {
    dialog.querySelectorAll('.close-dialog').forEach((button) => button.addEventListener('click', () => dialog.close()));
}

async function attempt(errorElement, action) {
    errorElement.textContent = '';
    try {
        await action();
        return true;
    } catch (e) {
        errorElement.textContent = e.message;
        return false;
    }
}

export class GroupDialog {
    constructor(onCreate) {
        this.dialog = document.getElementById('group-dialog');
        this.form = document.getElementById('group-form');
        this.error = document.getElementById('group-error');
        wire(this.dialog);
        this.form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const done = await attempt(this.error,
                () => onCreate(this.form.name.value.trim(), names(this.form.members.value)));
            if (done) {
                this.dialog.close();
            }
        });
    }

    open() {
        this.form.reset();
        this.error.textContent = '';
        this.dialog.showModal();
    }
}

export class SettingsDialog {
    /** @param actions {rename(name), add(members), remove(username), leave()} for the group shown */
    constructor(store, actions) {
        this.store = store;
        this.dialog = document.getElementById('settings-dialog');
        this.error = document.getElementById('settings-error');
        this.conversationId = null;
        wire(this.dialog);
        const renameForm = document.getElementById('rename-form');
        renameForm.addEventListener('submit', (event) => {
            event.preventDefault();
            attempt(this.error, () => actions.rename(this.conversationId, renameForm.name.value.trim()));
        });
        const addForm = document.getElementById('add-member-form');
        addForm.addEventListener('submit', async (event) => {
            event.preventDefault();
            if (await attempt(this.error, () => actions.add(this.conversationId, names(addForm.members.value)))) {
                addForm.reset();
            }
        });
        document.getElementById('member-list').addEventListener('click', (event) => {
            const button = event.target.closest('button[data-remove]');
            if (button) {
                attempt(this.error, () => actions.remove(this.conversationId, button.dataset.remove));
            }
        });
        document.getElementById('leave-group').addEventListener('click', async () => {
            if (await attempt(this.error, () => actions.leave(this.conversationId))) {
                this.dialog.close();
            }
        });
        store.addEventListener('change', () => {
            if (this.dialog.open) {
                this.render();
            }
        });
    }

    open(conversationId) {
        this.conversationId = conversationId;
        this.error.textContent = '';
        this.render();
        document.getElementById('rename').value = this.store.conversation(conversationId).name || '';
        this.dialog.showModal();
    }

    render() {
        const store = this.store;
        const conversation = store.conversation(this.conversationId);
        const manager = conversation.myRole === 'owner' || conversation.myRole === 'admin';
        document.getElementById('rename-form').hidden = !manager;
        document.getElementById('add-member-form').hidden = !manager;
        const items = conversation.members.map((member) => {
            const li = document.createElement('li');
            const name = document.createElement('span');
            name.textContent = member.username === store.me ? `${store.nameOf(member.username)} (you)`
                : `${store.nameOf(member.username)} (@${member.username})`;
            const role = document.createElement('span');
            role.className = 'role';
            role.textContent = member.role;
            li.append(name, role);
            // Owners remove anyone, admins remove members (docs/protocol.md, "Groups").
            const removable = member.username !== store.me && (conversation.myRole === 'owner'
                || (conversation.myRole === 'admin' && member.role === 'member'));
            if (removable) {
                const remove = document.createElement('button');
                remove.type = 'button';
                remove.dataset.remove = member.username;
                remove.textContent = 'Remove';
                remove.setAttribute('aria-label', `Remove ${member.username}`);
                li.append(remove);
            }
            return li;
        });
        document.getElementById('member-list').replaceChildren(...items);
    }
}

export class RoomsDialog {
    /** @param actions {list(): Promise<rooms>, join(name), create(name)} */
    constructor(store, actions) {
        this.store = store;
        this.actions = actions;
        this.dialog = document.getElementById('rooms-dialog');
        this.error = document.getElementById('rooms-error');
        wire(this.dialog);
        const form = document.getElementById('room-form');
        form.addEventListener('submit', async (event) => {
            event.preventDefault();
            if (await attempt(this.error, () => actions.create(form.name.value.trim()))) {
                form.reset();
                this.dialog.close();
            }
        });
        document.getElementById('room-list').addEventListener('click', async (event) => {
            const button = event.target.closest('button[data-join]');
            if (button && await attempt(this.error, () => actions.join(button.dataset.join))) {
                this.dialog.close();
            }
        });
    }

    async open() {
        this.error.textContent = '';
        this.dialog.showModal();
        let rooms = [];
        await attempt(this.error, async () => { rooms = await this.actions.list(); });
        const items = rooms.map((room) => {
            const li = document.createElement('li');
            const name = document.createElement('span');
            name.textContent = `#${room.name} · ${room.members} here`;
            li.append(name);
            if (!this.store.conversations.has(room.conversation)) {
                const join = document.createElement('button');
                join.type = 'button';
                join.dataset.join = room.name;
                join.textContent = 'Join';
                join.setAttribute('aria-label', `Join ${room.name}`);
                li.append(join);
            }
            return li;
        });
        document.getElementById('room-list').replaceChildren(...items);
    }
}
