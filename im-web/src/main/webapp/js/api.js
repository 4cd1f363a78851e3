// The HTTP API of Reef (/api/v1, docs/protocol.md): accounts, tokens, conversations, history, groups, rooms.
// Every call returns the parsed JSON body (or null for 204); failures throw an ApiError carrying the problem's code.

const BASE = 'api/v1';

/** A refused or failed request: `code` is the last segment of the problem's type (e.g. "bad_credentials"). */
export class ApiError extends Error {
    constructor(status, code, detail) {
        super(detail || code || `HTTP ${status}`);
        this.status = status;
        this.code = code;
    }
}

export class Api {
    /** @param {string|null} token bearer token of the signed-in user, or null */
    constructor(token = null) {
        this.token = token;
    }

    async request(method, path, body) {
        const headers = {Accept: 'application/json'};
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
        }
        if (this.token) {
            headers.Authorization = `Bearer ${this.token}`;
        }
        let response;
        try {
            response = await fetch(`${BASE}${path}`, {
                method, headers, body: body === undefined ? undefined : JSON.stringify(body),
            });
        } catch (e) {
            throw new ApiError(0, 'network', 'The server cannot be reached.');
        }
        if (response.status === 204) {
            return null;
        }
        const text = await response.text();
        const json = text ? safeParse(text) : null;
        if (!response.ok) {
            const code = json && typeof json.type === 'string' ? json.type.split('/').pop() : `http_${response.status}`;
            throw new ApiError(response.status, code, json && (json.detail || json.title));
        }
        return json;
    }

    // Configuration and accounts
    clientConfig() { return this.request('GET', '/client-config'); }
    register(username, password, displayName) {
        return this.request('POST', '/users', {username, password, displayName});
    }
    signIn(username, password) { return this.request('POST', '/tokens', {username, password}); }
    signOut() { return this.request('DELETE', '/tokens/current'); }
    user(username) { return this.request('GET', `/users/${encodeURIComponent(username)}`); }
    presence(usernames) { return this.request('GET', `/presence?users=${usernames.map(encodeURIComponent).join(',')}`); }

    // Conversations and history
    conversations(limit = 200) { return this.request('GET', `/conversations?limit=${limit}`); }
    /** A page of history in seq order: the newest, or the one before `before`, or the one after `after`. */
    messages(conversation, {before, after, limit = 50} = {}) {
        const query = new URLSearchParams({limit: String(limit)});
        if (before !== undefined) query.set('before', String(before));
        if (after !== undefined) query.set('after', String(after));
        return this.request('GET', `/conversations/${encodeURIComponent(conversation)}/messages?${query}`);
    }
    markRead(conversation, seq) {
        return this.request('POST', `/conversations/${encodeURIComponent(conversation)}/read`, {seq});
    }

    // Groups
    groups() { return this.request('GET', '/groups'); }
    group(id) { return this.request('GET', `/groups/${encodeURIComponent(id)}`); }
    createGroup(name, members) { return this.request('POST', '/groups', {name, members}); }
    renameGroup(id, name) { return this.request('PATCH', `/groups/${encodeURIComponent(id)}`, {name}); }
    addMembers(id, members) { return this.request('POST', `/groups/${encodeURIComponent(id)}/members`, {members}); }
    removeMember(id, username) {
        return this.request('DELETE', `/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(username)}`);
    }
    leaveGroup(id) { return this.request('POST', `/groups/${encodeURIComponent(id)}/leave`); }

    // Rooms
    rooms() { return this.request('GET', '/rooms'); }
    createRoom(name) { return this.request('POST', '/rooms', {name}); }
}

function safeParse(text) {
    try {
        return JSON.parse(text);
    } catch (e) {
        return null;
    }
}
