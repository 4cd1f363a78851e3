// Reef's web client: wires the API client, the MQTT session, the store and the views together.
// Read this file to see what happens when; the other modules each do one job (see README "Web client").

import {Api, ApiError} from './api.js';
import {MqttSession} from './session.js';
import {Store} from './store.js';
import {codeForReason, refusal} from './words.js';
import {SignInView} from './views/sign-in.js';
import {ConversationListView} from './views/conversation-list.js';
import {ChatView} from './views/chat.js';
import {GroupDialog, RoomsDialog, SettingsDialog} from './views/dialogs.js';

const AUTH_KEY = 'reef.auth'; // {username, token} for this tab's session (sessionStorage: gone with the tab)
const TYPING_EVERY_MS = 3000;
const DELIVERED_DELAY_MS = 400;

const api = new Api();
let config = null;

/** Sentence for a failed call: the known codes in words, otherwise the server's own detail. */
function say(error) {
    if (error instanceof ApiError && error.code !== 'invalid' && error.code !== 'not_found') {
        return refusal(error.code, error.message);
    }
    return error.message;
}

async function boot() {
    const signIn = new SignInView({
        onSignIn: async (username, password) => {
            const {token} = await api.signIn(username, password).catch((e) => { throw new Error(say(e)); });
            start({username, token}, signIn);
        },
        onCreate: async (username, password, displayName) => {
            await api.register(username, password, displayName || username)
                .catch((e) => { throw new Error(say(e)); });
            const {token} = await api.signIn(username, password);
            start({username, token}, signIn);
        },
    });
    try {
        config = await api.clientConfig();
    } catch (e) {
        signIn.show('The server cannot be reached. Reload the page to try again.');
        return;
    }
    const saved = JSON.parse(sessionStorage.getItem(AUTH_KEY) || 'null');
    if (saved) {
        start(saved, signIn);
    } else {
        signIn.show(sessionStorage.getItem('reef.notice') || '');
        sessionStorage.removeItem('reef.notice');
    }
}

/** Same host as the page, the WebSocket listener's own port and path (GET /api/v1/client-config). */
function mqttUrl() {
    const secure = location.protocol === 'https:';
    const port = secure ? config.mqttWssPort : config.mqttWsPort;
    if (port < 0) {
        return null;
    }
    const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
    return `${secure ? 'wss' : 'ws'}://${host}:${port}${config.mqttWsPath}`;
}

function randomId(bytes) {
    return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Signed in: one Chat per page; signing out reloads the page, so nothing of a session outlives it. */
function start(auth, signIn) {
    sessionStorage.setItem(AUTH_KEY, JSON.stringify(auth));
    api.token = auth.token;
    signIn.hide();
    new Chat(auth.username).start();
}

class Chat {
    constructor(me) {
        this.me = me;
        this.store = new Store(me);
        this.app = document.getElementById('app-view');
        this.connection = document.getElementById('connection');
        this.lastTyping = 0;
        this.delivered = new Map();
        this.asked = new Set(); // users whose display name was asked for
        this.deliveredTimer = null;
        this.loadingOlder = false;
        this.connectedOnce = false;
        this.renderQueued = false;
        // One device per page load; the session is discarded when the page goes (see MqttSession.stop).
        this.session = new MqttSession(mqttUrl(), me, api.token, `web-${me}-${randomId(6)}`);

        this.list = new ConversationListView(this.store, (id) => this.open(id));
        this.chat = new ChatView(this.store, {
            onSend: (text) => this.send(text),
            onTyping: () => this.typing(),
            onRetry: (clientMsgId) => this.retry(clientMsgId),
            onLoadOlder: () => this.loadOlder(),
            onSeen: () => this.markSeen(),
            onBack: () => this.back(),
            onSettings: () => this.settings.open(this.store.openId),
            onLeaveRoom: () => this.leaveRoom(),
        });
        this.groupDialog = new GroupDialog((name, members) => this.createGroup(name, members));
        this.settings = new SettingsDialog(this.store, {
            rename: async (id, name) => this.store.setGroup(await this.groupCall(() => api.renameGroup(groupId(id), name))),
            add: async (id, members) => this.store.setGroup(await this.groupCall(() => api.addMembers(groupId(id), members))),
            remove: async (id, user) => {
                await this.groupCall(() => api.removeMember(groupId(id), user));
                await this.loadGroup(id);
            },
            leave: async (id) => {
                await this.groupCall(() => api.leaveGroup(groupId(id)));
                this.store.removeConversation(id);
                this.back();
            },
        });
        this.rooms = new RoomsDialog(this.store, {
            list: async () => (await api.rooms()).items,
            join: (name) => this.joinRoom(name),
            create: async (name) => {
                await api.createRoom(name).catch((e) => { throw new Error(say(e)); });
                await this.joinRoom(name);
            },
        });
        this.store.addEventListener('change', () => this.queueRender());
    }

    async start() {
        this.app.hidden = false;
        document.getElementById('me').textContent = `Signed in as ${this.me}`;
        this.wireControls();
        this.wireSession();
        if (!this.session.url) {
            this.connection.textContent = 'MQTT over WebSocket is turned off on this server';
        }
        api.user(this.me).then((user) => {
            this.store.setDisplayName(this.me, user.displayName);
            document.getElementById('me').textContent = `Signed in as ${user.displayName} (@${this.me})`;
        }).catch(() => {});
        try {
            await this.refresh();
        } catch (e) {
            if (e instanceof ApiError && e.status === 401) {
                this.end('Your session has ended: sign in again.');
                return;
            }
        }
        if (this.session.url) {
            this.session.start();
        }
    }

    wireControls() {
        document.getElementById('sign-out').addEventListener('click', () => this.signOut());
        document.getElementById('reconnect').addEventListener('click', () => this.session.reconnectNow());
        window.addEventListener('online', () => this.session.reconnectNow());
        window.addEventListener('pagehide', () => this.session.stop());

        const newChat = document.getElementById('new-chat');
        const form = document.getElementById('new-chat-form');
        const error = document.getElementById('new-chat-error');
        newChat.addEventListener('click', () => {
            form.hidden = !form.hidden;
            newChat.setAttribute('aria-expanded', String(!form.hidden));
            error.textContent = '';
            if (!form.hidden) {
                form.recipient.focus();
            }
        });
        form.addEventListener('submit', async (event) => {
            event.preventDefault();
            error.textContent = '';
            try {
                await this.startChat(form.recipient.value);
                form.reset();
                form.hidden = true;
                newChat.setAttribute('aria-expanded', 'false');
            } catch (e) {
                error.textContent = e.message;
            }
        });
        document.getElementById('new-group').addEventListener('click', () => this.groupDialog.open());
        document.getElementById('rooms-button').addEventListener('click', () => this.rooms.open());
    }

    wireSession() {
        const session = this.session;
        session.addEventListener('status', ({detail}) => this.status(detail));
        session.addEventListener('inbox', ({detail}) => this.inbox(detail));
        session.addEventListener('presence', ({detail}) => this.store.presence(detail));
        session.addEventListener('room', ({detail}) => this.store.addMessage(detail.event));
        session.addEventListener('refused', ({detail}) => {
            const code = codeForReason(detail.reasonCode);
            this.store.refused(detail.clientMsgId, code, undefined, false);
        });
        session.addEventListener('ended', () => this.end('Your session has ended: sign in again.'));
    }

    // ---- connection

    status({state, retryInSeconds}) {
        const texts = {
            connecting: 'Connecting…',
            online: 'Online',
            offline: `Offline: retrying in ${retryInSeconds} s`,
            stopped: 'Signed out',
        };
        this.connection.textContent = texts[state];
        this.connection.className = `connection ${state}`;
        this.connection.dataset.state = state;
        document.getElementById('reconnect').hidden = state !== 'offline';
        if (state === 'online') {
            const reconnected = this.connectedOnce;
            this.connectedOnce = true;
            // What this tab sent and the server has not answered yet: again, with the same clientMsgId (the server
            // stores a retried message once).
            this.store.pendingCommands().forEach((command) => this.session.send(command));
            if (reconnected) {
                // The persistent session resends the inbox; the API fills anything else (and the unread counts).
                this.refresh().then(() => this.catchUp()).catch(() => {});
            }
        }
    }

    // ---- inbox events (docs/protocol.md, "Events on im/inbox/{username}")

    inbox(event) {
        const store = this.store;
        switch (event.type) {
            case 'message': {
                const known = store.conversations.has(event.conversation);
                const {isNew, conversation} = store.addMessage(event);
                if (conversation.kind === 'direct') {
                    this.learnUsers([conversation.peer]);
                    this.session.watchPresence([conversation.peer]);
                }
                if (conversation.kind === 'group' && (!known || event.kind === 'system')) {
                    this.loadGroup(conversation.id);
                }
                if (isNew && event.from !== this.me && event.seq !== undefined) {
                    const reading = store.openId === conversation.id && this.chat.readingLatest();
                    if (!reading) {
                        store.countUnread(conversation.id);
                    }
                    this.queueDelivered(conversation.id, event.seq);
                }
                break;
            }
            case 'ack':
                store.acknowledged(event);
                break;
            case 'error':
                if (!event.clientMsgId || !store.refused(event.clientMsgId, event.code, event.message, true)) {
                    this.chat.showComposerError(refusal(event.code, event.message));
                }
                break;
            case 'receipt':
                store.receipt(event);
                break;
            case 'typing':
                if (event.from !== this.me) {
                    store.typing(event);
                    setTimeout(() => this.queueRender(), 6100);
                }
                break;
            case 'message_deleted':
                store.deleted(event);
                break;
            case 'message_too_large':
                // The stand-in for a message larger than this device takes: read it from the history instead.
                api.messages(event.conversation, {after: event.seq - 1, limit: 1})
                    .then((page) => store.addHistory(event.conversation, page.items, false)).catch(() => {});
                break;
            case 'room_deleted':
                store.removeConversation(`room:${event.room}`);
                break;
            default:
                break; // newer servers may send more
        }
    }

    // ---- loading

    /** The conversation list, group names and members, and who the other people are, from the API. */
    async refresh() {
        const [conversations, groups] = await Promise.all([api.conversations(), api.groups()]);
        groups.items.forEach((group) => this.store.setGroup(group));
        this.store.loadConversations(conversations.items);
        const peers = [...this.store.conversations.values()].filter((c) => c.kind === 'direct').map((c) => c.peer);
        const members = groups.items.flatMap((group) => group.members.map((member) => member.username));
        this.learnUsers([...new Set([...peers, ...members])]);
        this.session.watchPresence(peers);
        this.chat.reportSeen();
    }

    /** After a reconnect: whatever the open conversation got meanwhile, by seq (duplicates are dropped by id). */
    async catchUp() {
        const conversation = this.store.openId && this.store.conversation(this.store.openId);
        if (!conversation || conversation.kind === 'room' || !conversation.historyLoaded) {
            return;
        }
        for (let after = conversation.lastSeq, more = true; more;) {
            const page = await api.messages(conversation.id, {after, limit: 200});
            this.store.addHistory(conversation.id, page.items, false);
            more = page.items.length === 200;
            after = conversation.lastSeq;
        }
    }

    /** Fetches the display names of users not asked about yet. */
    learnUsers(usernames) {
        usernames.filter((user) => user !== this.me && !this.asked.has(user)).forEach((user) => {
            this.asked.add(user);
            api.user(user).then((found) => this.store.setDisplayName(user, found.displayName)).catch(() => {});
        });
    }

    async loadGroup(conversationId) {
        try {
            const group = await api.group(groupId(conversationId));
            this.store.setGroup(group);
            this.learnUsers(group.members.map((member) => member.username));
        } catch (e) {
            if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
                this.store.conversation(conversationId).left = true; // removed, or the group is gone
                this.queueRender();
            }
        }
    }

    async loadOlder() {
        const conversation = this.store.openId && this.store.conversation(this.store.openId);
        if (!conversation || this.loadingOlder || !conversation.historyLoaded || !conversation.hasOlder
                || conversation.kind === 'room' || conversation.oldestSeq === null) {
            return;
        }
        this.loadingOlder = true;
        this.chat.setOlderStatus('Loading earlier messages…');
        try {
            const page = await api.messages(conversation.id, {before: conversation.oldestSeq});
            this.store.addHistory(conversation.id, page.items, true);
            this.chat.setOlderStatus(conversation.hasOlder ? '' : 'Beginning of the conversation');
        } catch (e) {
            this.chat.setOlderStatus(`Earlier messages could not be loaded: ${say(e)}`);
        } finally {
            this.loadingOlder = false;
        }
    }

    // ---- user actions

    async open(id) {
        const conversation = this.store.conversation(id);
        this.store.open(id);
        this.app.classList.add('chat-open');
        if (!conversation.historyLoaded && conversation.kind !== 'room' && conversation.lastSeq > 0) {
            try {
                const page = await api.messages(id);
                this.store.addHistory(id, page.items, false);
            } catch (e) {
                this.chat.setOlderStatus(`History could not be loaded: ${say(e)}`);
            }
        } else if (!conversation.historyLoaded) {
            conversation.historyLoaded = true;
        }
        this.flushRender();
        this.chat.scrollToEnd();
        document.getElementById('message').focus();
    }

    back() {
        this.store.open(null);
        this.app.classList.remove('chat-open');
    }

    /** The newest messages are on screen: move the read cursor there (receipt over MQTT, else the API). */
    markSeen() {
        const conversation = this.store.openId && this.store.conversation(this.store.openId);
        if (!conversation || conversation.kind === 'room' || conversation.lastSeq <= conversation.readSeq) {
            return;
        }
        const seq = conversation.lastSeq;
        this.store.markedRead(conversation.id, seq);
        if (this.session.online) {
            this.session.receipt(conversation.id, seq, 'read');
        } else {
            api.markRead(conversation.id, seq).catch(() => {});
        }
    }

    queueDelivered(conversationId, seq) {
        if (conversationId.startsWith('room:')) {
            return;
        }
        this.delivered.set(conversationId, Math.max(this.delivered.get(conversationId) || 0, seq));
        clearTimeout(this.deliveredTimer);
        this.deliveredTimer = setTimeout(() => {
            this.delivered.forEach((max, id) => {
                if (max > this.store.conversation(id).readSeq && this.session.online) {
                    this.session.receipt(id, max, 'delivered');
                }
            });
            this.delivered.clear();
        }, DELIVERED_DELAY_MS);
    }

    /** Sends the composer's text; returns whether the composer may be cleared. */
    send(text) {
        const conversation = this.store.conversation(this.store.openId);
        const command = {to: addressOf(conversation), kind: 'text', body: text, clientMsgId: randomId(12)};
        this.store.addPending(conversation.id, command);
        // Too long for the server (its JSON, as the server counts it): refused here, next to the message.
        if (new TextEncoder().encode(JSON.stringify(text)).length > config.maxBodyBytes) {
            this.store.refused(command.clientMsgId, 'too_large', undefined, true);
            return true;
        }
        this.session.send(command);
        return true;
    }

    retry(clientMsgId) {
        const command = this.store.retry(this.store.openId, clientMsgId);
        if (command) {
            this.session.send(command);
        }
    }

    typing() {
        const conversation = this.store.conversation(this.store.openId);
        const now = Date.now();
        if (conversation.kind !== 'room' && now - this.lastTyping > TYPING_EVERY_MS) {
            this.lastTyping = now;
            this.session.typing(addressOf(conversation));
        }
    }

    async startChat(input) {
        const user = input.trim().replace(/^@/, '').toLowerCase();
        if (user === '') {
            throw new Error('Enter a username.');
        }
        if (user === this.me) {
            throw new Error('That is you: enter someone else’s username.');
        }
        let found;
        try {
            found = await api.user(user);
        } catch (e) {
            throw new Error(e instanceof ApiError && e.status === 404 ? `There is no user “${user}”.` : say(e));
        }
        this.store.setDisplayName(user, found.displayName);
        this.session.watchPresence([user]);
        await this.open(`dm:${[this.me, user].sort().join(':')}`);
    }

    async createGroup(name, members) {
        if (name === '') {
            throw new Error('Give the group a name.');
        }
        const group = await this.groupCall(() => api.createGroup(name, members));
        this.store.setGroup(group);
        this.learnUsers(group.members.map((member) => member.username));
        await this.open(group.conversation);
    }

    async groupCall(call) {
        try {
            return await call();
        } catch (e) {
            throw new Error(e instanceof ApiError && e.code === 'unknown_recipient' ? `${e.message}.` : say(e));
        }
    }

    async joinRoom(name) {
        try {
            await this.session.joinRoom(name);
        } catch (e) {
            throw new Error(`Could not join #${name}: ${e.message}`);
        }
        this.store.conversation(`room:${name}`);
        await this.open(`room:${name}`);
    }

    leaveRoom() {
        const id = this.store.openId;
        this.session.leaveRoom(id.substring('room:'.length));
        this.store.removeConversation(id);
        this.back();
    }

    async signOut() {
        this.session.stop();
        await api.signOut().catch(() => {}); // revokes the token; an expired one is just as good
        this.end();
    }

    /** Back to the sign-in page, with nothing of this session left in the tab. */
    end(message) {
        this.session.stop();
        sessionStorage.removeItem(AUTH_KEY);
        if (message) {
            sessionStorage.setItem('reef.notice', message);
        }
        location.reload();
    }

    // ---- rendering: batched, at most once per task

    queueRender() {
        if (!this.renderQueued) {
            this.renderQueued = true;
            setTimeout(() => this.flushRender(), 0);
        }
    }

    flushRender() {
        this.renderQueued = false;
        this.list.render();
        this.chat.render();
        this.chat.reportSeen();
    }
}

/** The `to` of im/send for a conversation. */
function addressOf(conversation) {
    return conversation.kind === 'direct' ? `user:${conversation.peer}` : conversation.id;
}

function groupId(conversationId) {
    return conversationId.substring('group:'.length);
}

boot();
