// The list named "Conversations": one item per conversation with its name, last message and unread count.

export class ConversationListView {
    constructor(store, onOpen) {
        this.store = store;
        this.list = document.getElementById('conversation-list');
        this.empty = document.getElementById('no-conversations');
        this.list.addEventListener('click', (event) => {
            const button = event.target.closest('button[data-id]');
            if (button) {
                onOpen(button.dataset.id);
            }
        });
    }

    render() {
        const conversations = this.store.sortedConversations();
        this.empty.hidden = conversations.length > 0;
        const items = conversations.map((conversation) => this.item(conversation));
        // Keyboard users keep their place: the focused item is focused again after the list is rebuilt.
        const focused = this.list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
        this.list.replaceChildren(...items);
        if (focused) {
            const again = this.list.querySelector(`button[data-id="${CSS.escape(focused)}"]`);
            if (again) {
                again.focus();
            }
        }
    }

    item(conversation) {
        const store = this.store;
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.id = conversation.id;
        if (conversation.id === store.openId) {
            button.setAttribute('aria-current', 'true');
        }
        const dot = document.createElement('span');
        dot.className = 'dot';
        if (conversation.kind === 'direct') {
            const user = store.users.get(conversation.peer);
            if (user && user.online !== null) {
                dot.classList.add(user.online ? 'online' : 'offline');
                dot.title = user.online ? 'online' : 'offline';
            }
        }
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = store.title(conversation);
        const last = document.createElement('span');
        last.className = 'last';
        last.textContent = preview(store, conversation);
        button.append(dot, name, last);
        if (conversation.unread > 0) {
            const badge = document.createElement('span');
            badge.className = 'badge';
            badge.textContent = String(conversation.unread);
            const hint = document.createElement('span');
            hint.className = 'visually-hidden';
            hint.textContent = ' unread';
            badge.append(hint);
            button.append(badge);
        }
        li.append(button);
        return li;
    }
}

function preview(store, conversation) {
    const message = conversation.lastMessage;
    if (!message) {
        return conversation.kind === 'room' ? 'Room' : 'No messages yet';
    }
    if (message.kind === 'system') {
        return 'Group updated';
    }
    if (message.kind === 'deleted') {
        return 'Message deleted';
    }
    const text = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
    const who = message.from === store.me ? 'You: ' : conversation.kind === 'direct' ? '' : `${store.nameOf(message.from)}: `;
    return who + text;
}
