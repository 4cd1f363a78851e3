// What the user reads: refusals (docs/protocol.md, "Events": error codes) and group system messages in words.

const REFUSALS = {
    invalid: 'The server could not accept this message.',
    too_large: 'Too long: the message is larger than the server accepts.',
    unknown_recipient: 'There is no such user.',
    forbidden: 'Not allowed.',
    not_found: 'This conversation does not exist for you.',
    not_a_member: 'You are not a member of this conversation.',
    blocked: 'This person does not accept your messages.',
    rate_limited: 'Too many messages at once: wait a moment, then retry.',
    content_rejected: 'Refused by the content filter.',
    network: 'The server cannot be reached.',
    bad_credentials: 'Wrong username or password.',
    username_taken: 'This username is taken.',
    unauthenticated: 'Your session has ended: sign in again.',
    last_owner: 'The last owner cannot leave while others remain: make someone else owner first.',
    group_full: 'The group is full.',
    conflict: 'That name is taken.',
};

/** MQTT 5 PUBACK reason codes, for a refusal whose error event has not (yet) arrived. */
const REASON_CODES = {
    0x80: 'invalid', 0x83: 'content_rejected', 0x87: 'not_a_member', 0x95: 'too_large', 0x97: 'rate_limited',
    0x99: 'invalid',
};

/** The sentence for an error code, falling back to the server's own message. */
export function refusal(code, serverMessage) {
    return REFUSALS[code] || serverMessage || `Refused (${code}).`;
}

export function codeForReason(reasonCode) {
    return REASON_CODES[reasonCode] || 'invalid';
}

/** A group's system message (docs/protocol.md, "Groups") as a sentence. */
export function systemText(body, nameOf) {
    const sentence = describe(body, nameOf);
    return sentence.charAt(0).toUpperCase() + sentence.substring(1);
}

function describe(body, nameOf) {
    const who = (user) => nameOf(user);
    switch (body && body.event) {
        case 'group_created': return `${who(body.by)} created the group “${body.name}”`;
        case 'member_added': return `${who(body.by)} added ${who(body.user)}`;
        case 'member_removed': return `${who(body.by)} removed ${who(body.user)}`;
        case 'member_left': return `${who(body.user)} left`;
        case 'role_changed': return `${who(body.by)} made ${who(body.user)} ${body.role}`;
        case 'renamed': return `${who(body.by)} renamed the group to “${body.name}”`;
        case 'group_deleted': return `${who(body.by)} deleted the group`;
        default: return 'The group changed';
    }
}
