// The open conversation: header (name, presence, typing), the log named "Messages", and the composer.
// Messages keep their element while they change state (sending -> stored -> delivered -> read), so screen readers
// announce each message once and scrolling does not jump.

import {refusal, systemText} from '../words.js';

const NEAR_EDGE_PX = 48;

export class ChatView {
    /**
     * @param store   the Store
     * @param actions {onSend(text), onTyping(), onRetry(clientMsgId), onLoadOlder(), onSeen(), onBack(),
     *                onSettings(), onLeaveRoom()}
     */
    constructor(store, actions) {
        this.store = store;
        this.actions = actions;
        this.shownId = null;
        this.elements = new Map();
        this.$ = (id) => document.getElementById(id);
        this.log = this.$('messages');
        this.input = this.$('message');

        this.$('composer').addEventListener('submit', (event) => {
            event.preventDefault();
            this.submit();
        });
        this.input.addEventListener('keydown', (event) => {
            // Enter sends, Shift+Enter makes a new line (as in every chat app).
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                this.submit();
            }
        });
        this.input.addEventListener('input', () => {
            this.$('composer-error').textContent = '';
            this.autosize();
            if (this.input.value.trim() !== '') {
                actions.onTyping();
            }
        });
        this.log.addEventListener('scroll', () => this.onScroll());
        this.log.addEventListener('click', (event) => {
            const retry = event.target.closest('button[data-retry]');
            if (retry) {
                actions.onRetry(retry.dataset.retry);
            }
        });
        this.$('jump-latest').addEventListener('click', () => this.scrollToEnd());
        this.$('back').addEventListener('click', () => actions.onBack());
        this.$('chat-settings').addEventListener('click', () => actions.onSettings());
        this.$('leave-room').addEventListener('click', () => actions.onLeaveRoom());
        document.addEventListener('visibilitychange', () => this.reportSeen());
    }

    submit() {
        const text = this.input.value.trim();
        if (text === '') {
            return;
        }
        if (this.actions.onSend(text)) {
            this.input.value = '';
            this.autosize();
        }
        this.input.focus();
    }

    showComposerError(text) {
        this.$('composer-error').textContent = text;
    }

    autosize() {
        this.input.style.height = 'auto';
        this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 128)}px`;
    }

    /** Whether the newest messages are on screen: the log is scrolled to its end and the tab is visible. */
    readingLatest() {
        return document.visibilityState === 'visible' && this.atEnd() && this.store.openId !== null;
    }

    atEnd() {
        return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < NEAR_EDGE_PX;
    }

    scrollToEnd() {
        this.log.scrollTop = this.log.scrollHeight;
        this.reportSeen();
    }

    onScroll() {
        if (this.log.scrollTop < NEAR_EDGE_PX) {
            this.actions.onLoadOlder();
        }
        if (this.atEnd()) {
            this.$('jump-latest').hidden = true;
        }
        this.reportSeen();
    }

    reportSeen() {
        if (this.readingLatest()) {
            this.actions.onSeen();
        }
    }

    setOlderStatus(text) {
        this.$('older-status').textContent = text;
    }

    render() {
        const store = this.store;
        const id = store.openId;
        this.$('chat-empty').hidden = id !== null;
        this.$('chat-body').hidden = id === null;
        if (id === null) {
            this.shownId = null;
            return;
        }
        const conversation = store.conversation(id);
        const switched = id !== this.shownId;
        if (switched) {
            this.shownId = id;
            this.elements.clear();
            this.log.replaceChildren();
            this.input.value = '';
            this.autosize();
            this.$('composer-error').textContent = '';
            this.setOlderStatus('');
        }
        this.renderHeader(conversation);

        const wasAtEnd = switched || this.atEnd();
        const heightBefore = this.log.scrollHeight;
        const topBefore = this.log.scrollTop;
        const firstBefore = this.log.firstElementChild;
        let appendedMine = false;

        const messages = store.messagesOf(id);
        const wanted = new Set();
        let previous = null;
        for (const message of messages) {
            const key = keyOf(message);
            wanted.add(key);
            let element = this.elements.get(key);
            if (!element) {
                element = document.createElement('div');
                this.elements.set(key, element);
                // Our own message just sent: show it even if the user had scrolled up (not older ones loaded above).
                appendedMine = appendedMine || (message.from === store.me && message.state === 'sending');
            }
            this.fill(element, conversation, message);
            const expectedPosition = previous ? previous.nextElementSibling : this.log.firstElementChild;
            if (expectedPosition !== element) {
                this.log.insertBefore(element, expectedPosition);
            }
            previous = element;
        }
        for (const [key, element] of this.elements) {
            if (!wanted.has(key)) {
                element.remove();
                this.elements.delete(key);
            }
        }

        if (wasAtEnd || appendedMine) {
            this.log.scrollTop = this.log.scrollHeight;
        } else if (firstBefore && this.log.firstElementChild !== firstBefore) {
            // Older messages came in above: keep what the user was reading in place.
            this.log.scrollTop = topBefore + (this.log.scrollHeight - heightBefore);
        } else if (this.log.scrollHeight > heightBefore) {
            this.$('jump-latest').hidden = false;
        }

        const typing = store.typingIn(id).filter((user) => user !== store.me).map((user) => store.nameOf(user));
        this.$('typing').textContent = typing.length === 0 ? ''
            : `${typing.join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…`;
        const closed = conversation.left;
        this.input.disabled = closed;
        this.$('composer').querySelector('button').disabled = closed;
        if (closed) {
            this.input.placeholder = 'You are no longer a member of this group';
        } else {
            this.input.placeholder = 'Write a message';
        }
    }

    renderHeader(conversation) {
        const store = this.store;
        this.$('chat-title').textContent = store.title(conversation);
        const presence = this.$('chat-presence');
        let subtitle = '';
        presence.hidden = true;
        if (conversation.kind === 'direct') {
            const user = store.users.get(conversation.peer);
            subtitle = `@${conversation.peer}`;
            if (user && user.online !== null) {
                presence.hidden = false;
                presence.className = `presence ${user.online ? 'online' : 'offline'}`;
                presence.title = user.online ? 'online' : 'offline';
                subtitle += user.online ? ' · online' : ' · offline';
            }
        } else if (conversation.kind === 'group') {
            subtitle = `${conversation.members.length} members`;
        } else {
            subtitle = 'Room: only who is here now gets messages';
        }
        this.$('chat-subtitle').textContent = subtitle;
        this.$('chat-settings').hidden = conversation.kind !== 'group' || conversation.left;
        this.$('leave-room').hidden = conversation.kind !== 'room';
    }

    /** One message's element: sender (in groups), text, time and, for our own, its state. */
    fill(element, conversation, message) {
        const store = this.store;
        const tick = store.tick(conversation, message);
        const signature = [message.kind, tick, message.error && message.error.code, message.seq,
            store.nameOf(message.from)].join('|');
        if (element.dataset.signature === signature) {
            return;
        }
        element.dataset.signature = signature;
        element.replaceChildren();
        element.className = 'msg';
        if (message.id) element.dataset.id = message.id;
        if (message.seq !== undefined) element.dataset.seq = String(message.seq);

        if (message.kind === 'system') {
            element.classList.add('system');
            element.textContent = systemText(message.body, (user) => store.nameOf(user));
            return;
        }
        const mine = message.from === store.me;
        if (mine) {
            element.classList.add('mine');
            element.dataset.state = tick;
        }
        if (!mine && conversation.kind !== 'direct') {
            const from = document.createElement('div');
            from.className = 'from';
            from.textContent = store.nameOf(message.from);
            element.append(from);
        }
        const text = document.createElement('div');
        text.className = 'text';
        if (message.kind === 'deleted') {
            element.classList.add('deleted');
            text.textContent = 'This message was deleted';
        } else if (message.kind === 'too_large') {
            text.textContent = 'A message too large to show here';
        } else {
            text.textContent = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
        }
        element.append(text);

        const meta = document.createElement('div');
        meta.className = 'meta';
        const time = document.createElement('time');
        time.dateTime = message.sentAt || '';
        time.textContent = message.sentAt
            ? new Date(message.sentAt).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'}) : '';
        meta.append(time);
        if (mine && tick !== 'failed') {
            const state = document.createElement('span');
            state.className = `tick ${tick}`;
            const [symbol, words] = TICKS[tick] || TICKS.stored;
            state.textContent = symbol;
            state.title = words;
            state.setAttribute('aria-label', words);
            state.setAttribute('role', 'img');
            meta.append(state);
        }
        element.append(meta);

        if (tick === 'failed' && message.error) {
            element.classList.add('failed');
            const error = document.createElement('div');
            error.className = 'error';
            error.setAttribute('role', 'alert');
            error.dataset.code = message.error.code;
            error.textContent = `Not sent: ${refusal(message.error.code, message.error.message)}`;
            const retry = document.createElement('button');
            retry.type = 'button';
            retry.dataset.retry = message.clientMsgId;
            retry.textContent = 'Retry';
            error.append(retry);
            element.append(error);
        }
    }
}

const TICKS = {
    sending: ['🕓', 'Sending'],
    stored: ['✓', 'Sent'],
    delivered: ['✓✓', 'Delivered'],
    read: ['✓✓', 'Read'],
};

/** One key per message for its whole life: a pending message and its stored self share the clientMsgId. */
function keyOf(message) {
    return message.clientMsgId ? `${message.from}/${message.clientMsgId}` : message.id;
}
