// What the signed-in user sees, as data: conversations, their messages and send states, unread counts, receipts,
// typing and presence. No DOM and no network: the app feeds it server events and REST answers, the views read it.
// It fires `change` (detail: {conversation?: id}) after every update.

let arrivals = 0;

export class Store extends EventTarget {
    constructor(me) {
        super();
        this.me = me;
        /** @type {Map<string, object>} conversation id -> conversation */
        this.conversations = new Map();
        /** username -> {displayName, online} */
        this.users = new Map();
        this.openId = null;
    }

    // ---- conversations

    /** The conversation, created empty if unknown (a new chat, or the first message of one). */
    conversation(id) {
        let conversation = this.conversations.get(id);
        if (!conversation) {
            const kind = id.startsWith('dm:') ? 'direct' : id.startsWith('group:') ? 'group' : 'room';
            conversation = {
                id, kind,
                peer: kind === 'direct' ? id.substring(3).split(':').find((user) => user !== this.me) || this.me : null,
                name: kind === 'room' ? id.substring(5) : null,
                members: [], myRole: null, left: false,
                lastMessage: null, lastSeq: 0, unread: 0, readSeq: 0,
                peerRead: new Map(), peerDelivered: new Map(),
                messages: new Map(), oldestSeq: null, hasOlder: true, historyLoaded: false,
                typing: new Map(), error: null,
            };
            this.conversations.set(id, conversation);
        }
        return conversation;
    }

    /** Conversations newest first: by their last message, new empty ones on top. */
    sortedConversations() {
        const time = (c) => (c.lastMessage ? Date.parse(c.lastMessage.sentAt) || 0 : Number.MAX_SAFE_INTEGER);
        return [...this.conversations.values()].filter((c) => !c.left).sort((a, b) => time(b) - time(a));
    }

    /** Takes the server's list (GET /conversations): the server is right about unread counts and cursors. */
    loadConversations(items) {
        for (const item of items) {
            const conversation = this.conversation(item.id);
            const last = item.lastMessage;
            if (last && (last.seq || 0) >= conversation.lastSeq) {
                conversation.lastMessage = last;
                conversation.lastSeq = last.seq || 0;
            }
            conversation.readSeq = Math.max(conversation.readSeq, item.readSeq || 0);
            conversation.unread = item.unread;
        }
        this.changed();
    }

    setGroup(group) {
        const conversation = this.conversation(group.conversation);
        conversation.name = group.name;
        conversation.members = group.members || [];
        const mine = conversation.members.find((member) => member.username === this.me);
        conversation.myRole = mine ? mine.role : null;
        conversation.left = !mine;
        this.changed(conversation.id);
    }

    removeConversation(id) {
        this.conversations.delete(id);
        if (this.openId === id) {
            this.openId = null;
        }
        this.changed();
    }

    open(id) {
        this.openId = id;
        this.changed(id);
    }

    // ---- messages

    /**
     * Adds a message event (live, resent after a reconnect, or from history). Returns whether it is new to this
     * tab: the same message may arrive twice (history and inbox, or resent), always with the same id.
     */
    addMessage(event) {
        const conversation = this.conversation(event.conversation);
        const known = event.id && conversation.messages.get(event.id);
        if (known) {
            return {isNew: false, conversation};
        }
        const isNew = event.seq === undefined || event.seq > conversation.lastSeq;
        // Our own message, sent from this tab: it replaces its pending copy.
        const pendingKey = `pending:${event.clientMsgId}`;
        const pending = event.from === this.me && conversation.messages.get(pendingKey);
        if (pending) {
            conversation.messages.delete(pendingKey);
        }
        conversation.messages.set(event.id || pendingKey, {
            ...event, state: 'stored', arrival: pending ? pending.arrival : ++arrivals,
        });
        if (event.seq !== undefined) {
            if (conversation.oldestSeq === null || event.seq < conversation.oldestSeq) {
                conversation.oldestSeq = event.seq;
            }
            if (event.seq >= conversation.lastSeq) {
                conversation.lastSeq = event.seq;
                conversation.lastMessage = event;
            }
        } else {
            conversation.lastMessage = event; // rooms have no seq
        }
        if (event.kind === 'system' && event.body && event.body.event === 'member_removed'
                && event.body.user === this.me) {
            conversation.left = true;
        }
        conversation.typing.delete(event.from);
        this.changed(conversation.id);
        return {isNew, conversation};
    }

    /** A page of history (oldest first); `older` when it was loaded by scrolling up. */
    addHistory(conversationId, items, older) {
        const conversation = this.conversation(conversationId);
        items.forEach((event) => this.addMessage(event));
        conversation.historyLoaded = true;
        if (older && items.length === 0) {
            conversation.hasOlder = false;
        }
        if (conversation.oldestSeq !== null && conversation.oldestSeq <= 1) {
            conversation.hasOlder = false;
        }
        this.changed(conversationId);
    }

    /** A message this tab is sending: shown at once, as "sending". */
    addPending(conversationId, command) {
        const conversation = this.conversation(conversationId);
        conversation.messages.set(`pending:${command.clientMsgId}`, {
            conversation: conversationId, from: this.me, kind: command.kind, body: command.body,
            clientMsgId: command.clientMsgId, sentAt: new Date().toISOString(), state: 'sending', arrival: ++arrivals,
            command,
        });
        this.changed(conversationId);
    }

    /** The server stored our message (ack event). */
    acknowledged(event) {
        const conversation = this.conversation(event.conversation);
        const key = `pending:${event.clientMsgId}`;
        const pending = conversation.messages.get(key);
        if (!pending) {
            return;
        }
        conversation.messages.delete(key);
        if (!conversation.messages.has(event.id)) {
            const stored = {...pending, id: event.id, seq: event.seq, state: 'stored', error: null};
            delete stored.command;
            conversation.messages.set(event.id, stored);
            if (event.seq >= conversation.lastSeq) {
                conversation.lastSeq = event.seq;
                conversation.lastMessage = stored;
            }
        }
        this.changed(conversation.id);
    }

    /**
     * The server refused our message: `fromServer` for the inbox's error event (its code is exact), false for an
     * MQTT 5 PUBACK reason code (several codes share one), which never overrides the former.
     * Returns false when no pending message has that clientMsgId.
     */
    refused(clientMsgId, code, message, fromServer) {
        for (const conversation of this.conversations.values()) {
            const pending = conversation.messages.get(`pending:${clientMsgId}`);
            if (pending) {
                if (fromServer || !pending.error || !pending.error.fromServer) {
                    pending.state = 'failed';
                    pending.error = {code, message, fromServer};
                    this.changed(conversation.id);
                }
                return true;
            }
        }
        return false;
    }

    /** A failed message goes back to "sending" for a retry; returns the command to send again. */
    retry(conversationId, clientMsgId) {
        const pending = this.conversation(conversationId).messages.get(`pending:${clientMsgId}`);
        if (!pending) {
            return null;
        }
        pending.state = 'sending';
        pending.error = null;
        this.changed(conversationId);
        return pending.command;
    }

    /** Messages sent from this tab that the server has neither stored nor refused. */
    pendingCommands() {
        const commands = [];
        this.conversations.forEach((conversation) => conversation.messages.forEach((message) => {
            if (message.state === 'sending') {
                commands.push(message.command);
            }
        }));
        return commands;
    }

    deleted(event) {
        const message = this.conversation(event.conversation).messages.get(event.id);
        if (message) {
            message.kind = 'deleted';
            message.body = null;
            this.changed(event.conversation);
        }
    }

    /** The messages of a conversation in the order everyone sees: by seq, then this tab's pending ones. */
    messagesOf(conversationId) {
        const order = (m) => (m.seq !== undefined ? m.seq : Number.MAX_SAFE_INTEGER);
        return [...this.conversation(conversationId).messages.values()]
            .sort((a, b) => order(a) - order(b) || a.arrival - b.arrival);
    }

    // ---- receipts, unread counts

    /** Counts a new message from someone else as unread. */
    countUnread(conversationId) {
        this.conversation(conversationId).unread += 1;
        this.changed(conversationId);
    }

    /** This user read up to seq (on this tab, or on another device: a receipt with `by` = me). */
    markedRead(conversationId, seq) {
        const conversation = this.conversation(conversationId);
        conversation.readSeq = Math.max(conversation.readSeq, seq);
        if (conversation.readSeq >= conversation.lastSeq) {
            conversation.unread = 0;
        } else {
            const unread = [...conversation.messages.values()]
                .filter((m) => m.seq > conversation.readSeq && m.from !== this.me).length;
            conversation.unread = Math.min(conversation.unread, Math.max(unread, 0));
        }
        this.changed(conversationId);
    }

    receipt(event) {
        if (event.by === this.me) {
            if (event.kind === 'read') {
                this.markedRead(event.conversation, event.seq);
            }
            return;
        }
        const conversation = this.conversation(event.conversation);
        const bump = (map) => map.set(event.by, Math.max(map.get(event.by) || 0, event.seq));
        bump(conversation.peerDelivered);
        if (event.kind === 'read') {
            bump(conversation.peerRead);
        }
        this.changed(conversation.id);
    }

    /** What the sender sees on their own message: sending, failed, stored (✓), delivered (✓✓), read (✓✓ blue). */
    tick(conversation, message) {
        if (message.from !== this.me) {
            return null;
        }
        if (message.state !== 'stored' || message.seq === undefined) {
            return message.state;
        }
        const others = conversation.kind === 'direct'
            ? [conversation.peer]
            : conversation.members.map((member) => member.username).filter((user) => user !== this.me);
        if (others.length === 0) {
            return 'stored';
        }
        const all = (map) => others.every((user) => (map.get(user) || 0) >= message.seq);
        if (all(conversation.peerRead)) {
            return 'read';
        }
        return all(conversation.peerDelivered) ? 'delivered' : 'stored';
    }

    // ---- typing, presence, names

    typing(event) {
        if (!this.conversations.has(event.conversation)) {
            return; // someone typing a first message: the conversation appears with the message
        }
        const conversation = this.conversation(event.conversation);
        if (event.body === false) {
            conversation.typing.delete(event.from);
        } else {
            conversation.typing.set(event.from, Date.now() + 6000);
        }
        this.changed(conversation.id);
    }

    /** Users typing in a conversation now. */
    typingIn(conversationId) {
        const now = Date.now();
        const typing = this.conversation(conversationId).typing;
        return [...typing.entries()].filter(([, until]) => until > now).map(([user]) => user);
    }

    presence(update) {
        const user = this.user(update.user);
        user.online = update.online === true;
        this.changed();
    }

    user(username) {
        let user = this.users.get(username);
        if (!user) {
            user = {username, displayName: null, online: null};
            this.users.set(username, user);
        }
        return user;
    }

    setDisplayName(username, displayName) {
        this.user(username).displayName = displayName;
        this.changed();
    }

    nameOf(username) {
        if (username === this.me) {
            return 'you';
        }
        const user = this.users.get(username);
        return (user && user.displayName) || username;
    }

    /** The name a conversation is shown under: the other person, the group's or the room's name. */
    title(conversation) {
        if (conversation.kind === 'direct') {
            return this.nameOf(conversation.peer);
        }
        if (conversation.kind === 'room') {
            return `#${conversation.name}`;
        }
        return conversation.name || 'Group';
    }

    changed(conversation) {
        this.dispatchEvent(new CustomEvent('change', {detail: {conversation}}));
    }
}
