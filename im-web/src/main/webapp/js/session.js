// One device's MQTT connection to Reef over WebSocket (MQTT.js, MQTT 5), and nothing else: it connects, keeps a
// persistent session so that the server resends what this device has not acknowledged, reconnects with backoff,
// and turns what arrives into events. It knows the topics of docs/protocol.md but not what a message means.
//
// Events (CustomEvent, payload in `detail`):
//   status   {state: 'connecting'|'online'|'offline'|'stopped', retryInSeconds}
//   inbox    an event of im/inbox/{user} (message, ack, error, receipt, typing, ...)
//   presence {user, online, devices, since}
//   room     {room, event}: a message of im/rooms/{name}
//   refused  {clientMsgId, reasonCode}: an MQTT 5 PUBACK refusing a send
//   ended    {reason}: the server refused the credentials; the session will not reconnect

import mqtt from '../vendor/mqtt/mqtt.esm.js';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30000;
/** How long the server keeps this device's session (and its undelivered inbox) after the page goes away. */
const SESSION_EXPIRY_SECONDS = 600;

export class MqttSession extends EventTarget {
    /**
     * @param {string} url       ws(s)://host:port/path of Reef's MQTT WebSocket listener
     * @param {string} username  the MQTT user name is the Reef user name
     * @param {string} token     a bearer token works as the MQTT password
     * @param {string} clientId  this device; the server keeps its inbox position under this id
     */
    constructor(url, username, token, clientId) {
        super();
        this.url = url;
        this.username = username;
        this.token = token;
        this.clientId = clientId;
        this.client = null;
        this.retries = 0;
        this.retryTimer = null;
        this.stopped = false;
        this.presenceUsers = new Set();
        this.rooms = new Set();
    }

    get online() {
        return this.client !== null && this.client.connected;
    }

    start() {
        this.emit('status', {state: 'connecting'});
        this.client = mqtt.connect(this.url, {
            protocolVersion: 5,
            clientId: this.clientId,
            username: this.username,
            password: this.token,
            clean: false,
            properties: {sessionExpiryInterval: SESSION_EXPIRY_SECONDS},
            keepalive: 30,
            connectTimeout: 10000,
            reconnectPeriod: 0, // reconnecting is ours: with backoff, see scheduleReconnect
            resubscribe: false, // the persistent session keeps the subscriptions; see onConnect
        });
        this.client.on('connect', (connack) => this.onConnect(connack));
        this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
        this.client.on('close', () => this.onClose());
        this.client.on('error', (error) => this.onError(error));
    }

    /** Ends the connection for good (signing out): the server publishes no will and keeps nothing pending. */
    stop() {
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        clearTimeout(this.retryTimer);
        if (this.client) {
            if (this.client.connected) {
                // MQTT 5: a DISCONNECT may shorten the session to 0, so the server forgets this device at once.
                this.client.end(false, {reasonCode: 0, properties: {sessionExpiryInterval: 0}});
            } else {
                this.client.end(true);
            }
        }
        this.emit('status', {state: 'stopped'});
    }

    /** Tries at once instead of waiting for the backoff (the user pressed "Reconnect now", or the network is back). */
    reconnectNow() {
        if (this.stopped || this.online) {
            return;
        }
        clearTimeout(this.retryTimer);
        this.emit('status', {state: 'connecting'});
        this.client.reconnect();
    }

    /** Sends a chat message (im/send, QoS 1). The outcome comes as an `ack` or `error` inbox event. */
    send(command) {
        this.publish('im/send', command, (error) => {
            // An MQTT 5 PUBACK with a reason code >= 0x80 is a refusal; a closed connection is not (resent later).
            if (error && typeof error.code === 'number' && error.code >= 0x80) {
                this.emit('refused', {clientMsgId: command.clientMsgId, reasonCode: error.code});
            }
        });
    }

    /** Sends a typing notice; QoS 0, since a lost one does not matter. */
    typing(to) {
        if (this.online) {
            this.client.publish('im/send', JSON.stringify({to, kind: 'typing', body: true}), {qos: 0});
        }
    }

    /** Moves this user's delivered or read cursor of a conversation (im/receipt, QoS 1). */
    receipt(conversation, seq, kind) {
        this.publish('im/receipt', {conversation, seq, kind});
    }

    /** Follows the presence of these users (retained on im/presence/{user}). */
    watchPresence(users) {
        const fresh = users.filter((user) => user !== this.username && !this.presenceUsers.has(user));
        fresh.forEach((user) => this.presenceUsers.add(user));
        if (fresh.length > 0 && this.online) {
            this.client.subscribe(fresh.map((user) => `im/presence/${user}`), {qos: 0});
        }
    }

    /** Joins a room: rooms live as long as the subscription (docs/protocol.md, "Rooms"). */
    joinRoom(name) {
        this.rooms.add(name);
        return new Promise((resolve, reject) => {
            this.client.subscribe(`im/rooms/${name}`, {qos: 1}, (error, granted) => {
                if (error || !granted || granted.some((grant) => grant.qos >= 0x80)) {
                    this.rooms.delete(name);
                    reject(error || new Error('the room refused this device (full, or no such room)'));
                } else {
                    resolve();
                }
            });
        });
    }

    leaveRoom(name) {
        this.rooms.delete(name);
        if (this.online) {
            this.client.unsubscribe(`im/rooms/${name}`);
        }
    }

    publish(topic, json, callback) {
        this.client.publish(topic, JSON.stringify(json), {qos: 1}, callback);
    }

    onConnect(connack) {
        this.retries = 0;
        const subscriptions = {};
        if (!connack.sessionPresent) {
            // A new session (first connect, or the old one expired): subscribe to the inbox. With a session present
            // the server still has it, and resends the inbox from this device's acknowledged position by itself.
            subscriptions[`im/inbox/${this.username}`] = {qos: 1};
        }
        // Presence: cheap and retained, so always (users watched while offline are not in the session yet).
        this.presenceUsers.forEach((user) => { subscriptions[`im/presence/${user}`] = {qos: 0}; });
        // Room memberships last as long as a connection, never in a session.
        this.rooms.forEach((room) => { subscriptions[`im/rooms/${room}`] = {qos: 1}; });
        if (Object.keys(subscriptions).length > 0) {
            this.client.subscribe(subscriptions);
        }
        this.emit('status', {state: 'online', resumed: connack.sessionPresent});
    }

    onMessage(topic, payload) {
        let event;
        try {
            event = JSON.parse(new TextDecoder().decode(payload));
        } catch (e) {
            return; // not ours to show
        }
        if (topic === `im/inbox/${this.username}`) {
            this.emit('inbox', event);
        } else if (topic.startsWith('im/presence/')) {
            this.emit('presence', {user: topic.substring('im/presence/'.length), ...event});
        } else if (topic.startsWith('im/rooms/')) {
            this.emit('room', {room: topic.substring('im/rooms/'.length), event});
        }
    }

    onClose() {
        if (!this.stopped) {
            this.scheduleReconnect();
        }
    }

    onError(error) {
        // CONNACK 0x86 (bad user name or password: the token was revoked or expired) or 0x87 (not authorized).
        if (error && (error.code === 0x86 || error.code === 0x87 || error.code === 4 || error.code === 5)) {
            this.stopped = true;
            clearTimeout(this.retryTimer);
            this.client.end(true);
            this.emit('ended', {reason: 'unauthenticated'});
        }
    }

    /** Exponential backoff with jitter: 1, 2, 4 ... 30 s, so a restarting server is not stormed by every tab. */
    scheduleReconnect() {
        clearTimeout(this.retryTimer);
        const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.retries);
        const delay = Math.round(base * (0.75 + Math.random() * 0.5));
        this.retries += 1;
        this.emit('status', {state: 'offline', retryInSeconds: Math.ceil(delay / 1000)});
        this.retryTimer = setTimeout(() => {
            if (!this.stopped) {
                this.emit('status', {state: 'connecting'});
                this.client.reconnect();
            }
        }, delay);
    }

    emit(type, detail) {
        this.dispatchEvent(new CustomEvent(type, {detail}));
    }
}
