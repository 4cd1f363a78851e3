package org.reef.im.group;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import org.reef.im.account.AccountService;
import org.reef.im.chat.Conversations;
import org.reef.im.chat.MessagingService;
import org.reef.im.config.ImSettings;
import org.reef.im.domain.Account;
import org.reef.im.domain.Conversation;
import org.reef.im.domain.ConversationMember;
import org.reef.im.domain.ImGroup;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.moderation.BlockService;
import org.reef.im.moderation.ContentFilter;
import org.reef.im.moderation.SendRateLimiter;
import org.reef.im.moderation.VisibleText;

import java.io.StringReader;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Groups: persistent conversations {@code group:{id}} with members in roles (owner, admin, member). Every change of
 * membership takes the conversation's lock and is stored in it as a system message, so it has its place in the
 * conversation's order: a member added at seq n reads from n on, a member removed at seq n receives nothing after n.
 *
 * <p>Owners and admins add and remove members (admins not owners) and rename the group; owners change roles and
 * delete the group; anyone may leave, except the last owner of a group that has other members.
 */
@Stateless
public class GroupService {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    public static final int MAX_NAME = 100;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private ImSettings settings;

    @EJB
    private AccountService accounts;

    @EJB
    private BlockService blocks;

    @EJB
    private MessagingService messaging;

    @EJB
    private ContentFilter contentFilter;

    @EJB
    private SendRateLimiter rateLimiter;

    /** A group and its members. */
    public record GroupView(ImGroup group, List<ConversationMember> members) {

        public String conversation() {
            return Conversations.group(group.getId());
        }
    }

    /** A group, its conversation locked, and the acting member. */
    private record Locked(ImGroup group, Conversation conversation, ConversationMember actor) {
    }

    public GroupView create(String owner, String name, Collection<String> memberNames) {
        rateLimiter.acquire(owner);
        String groupName = validName(name);
        Set<String> others = new LinkedHashSet<>(memberNames == null ? List.of() : memberNames);
        others.remove(owner);
        if (others.size() + 1 > settings.groupMaxMembers()) {
            throw new ImException(ImError.GROUP_FULL, "a group has at most " + settings.groupMaxMembers() + " members");
        }
        others.forEach(user -> requireAddable(owner, user));
        Instant now = Instant.now();
        ImGroup group = new ImGroup(UUID.randomUUID().toString(), groupName, owner, now);
        em.persist(group);
        Conversation conversation = new Conversation(Conversations.group(group.getId()), "group", now);
        em.persist(conversation);
        long joined = conversation.getLastSeq() + 1;
        em.persist(new ConversationMember(conversation.getId(), owner, OWNER, joined));
        for (String user : others) {
            em.persist(new ConversationMember(conversation.getId(), user, MEMBER, joined));
        }
        em.flush();
        JsonArrayBuilder members = Json.createArrayBuilder().add(owner);
        others.forEach(members::add);
        messaging.system(conversation, owner, Json.createObjectBuilder().add("event", "group_created")
                .add("by", owner).add("name", groupName).add("members", members).build());
        return view(group);
    }

    /** A group its member asks about. */
    public GroupView get(String actor, String groupId) {
        ImGroup group = findGroup(groupId);
        if (!messaging.isMember(Conversations.group(groupId), actor)) {
            throw notFound(groupId);
        }
        return view(group);
    }

    /** A page of the groups the user is a member of, by name. */
    public List<GroupView> mine(String username, int offset, int limit) {
        return em.createQuery("select g from ImGroup g, ConversationMember m where m.key.conversationId = "
                        + "concat('group:', g.id) and m.key.username = :username and g.deletedAt is null "
                        + "order by g.name, g.id", ImGroup.class)
                .setParameter("username", username).setFirstResult(offset).setMaxResults(limit).getResultList()
                .stream().map(this::view).toList();
    }

    public GroupView rename(String actor, String groupId, String name) {
        rateLimiter.acquire(actor);
        Locked locked = lock(actor, groupId);
        requireRole(locked, OWNER, ADMIN);
        String groupName = validName(name);
        locked.group().rename(groupName);
        messaging.system(locked.conversation(), actor, event("renamed", actor).add("name", groupName).build());
        return view(locked.group());
    }

    /**
     * Adds members (those who are members already are left as they are): at most {@code REEF_GROUP_MAX_ADD} users
     * per request, each user named costing one send of the actor's rate limit, and one system message
     * {@code member_added} listing the users added, at whose seq they all join. (One message per user wrote every
     * member's inbox once per added user: quadratic in the request.)
     */
    public GroupView addMembers(String actor, String groupId, Collection<String> usernames) {
        Set<String> added = new LinkedHashSet<>(usernames == null ? List.of() : usernames);
        if (added.size() > settings.groupMaxAdd()) {
            throw new ImException(ImError.INVALID, "add at most " + settings.groupMaxAdd() + " users per request");
        }
        rateLimiter.acquire(actor, added.size());
        Locked locked = lock(actor, groupId);
        requireRole(locked, OWNER, ADMIN);
        Set<String> current = usernames(locked);
        added.removeAll(current);
        if (added.isEmpty()) {
            return view(locked.group());
        }
        if (current.size() + added.size() > settings.groupMaxMembers()) {
            throw new ImException(ImError.GROUP_FULL, "a group has at most " + settings.groupMaxMembers() + " members");
        }
        added.forEach(user -> requireAddable(actor, user));
        long joined = locked.conversation().getLastSeq() + 1; // the seq of the system message below
        for (String user : added) {
            em.persist(new ConversationMember(locked.conversation().getId(), user, MEMBER, joined));
        }
        em.flush();
        messaging.system(locked.conversation(), actor, event("member_added", actor)
                .add("users", Json.createArrayBuilder(List.copyOf(added))).build());
        return view(locked.group());
    }

    /** Removes a member: they receive the system message of their removal and nothing after it. */
    public GroupView removeMember(String actor, String groupId, String username) {
        if (actor.equals(username)) {
            leave(actor, groupId);
            return null;
        }
        Locked locked = lock(actor, groupId);
        requireRole(locked, OWNER, ADMIN);
        ConversationMember member = member(locked, username);
        if (OWNER.equals(member.getRole()) && !OWNER.equals(locked.actor().getRole())) {
            throw new ImException(ImError.FORBIDDEN, "only an owner may remove an owner");
        }
        messaging.system(locked.conversation(), actor, event("member_removed", actor).add("user", username).build());
        em.remove(member);
        return view(locked.group());
    }

    /** Gives a member a role (owners only); the last owner cannot step down. */
    public GroupView setRole(String actor, String groupId, String username, String role) {
        if (!OWNER.equals(role) && !ADMIN.equals(role) && !MEMBER.equals(role)) {
            throw new ImException(ImError.INVALID, "role must be owner, admin or member");
        }
        Locked locked = lock(actor, groupId);
        requireRole(locked, OWNER);
        ConversationMember member = member(locked, username);
        if (role.equals(member.getRole())) {
            return view(locked.group());
        }
        if (OWNER.equals(member.getRole()) && owners(locked) == 1) {
            throw new ImException(ImError.LAST_OWNER, "make someone else owner first");
        }
        member.setRole(role);
        em.flush();
        messaging.system(locked.conversation(), actor, event("role_changed", actor).add("user", username)
                .add("role", role).build());
        return view(locked.group());
    }

    /** The actor leaves; a group left by its last member is deleted. */
    public void leave(String actor, String groupId) {
        Locked locked = lock(actor, groupId);
        Set<String> current = usernames(locked);
        if (OWNER.equals(locked.actor().getRole()) && owners(locked) == 1 && current.size() > 1) {
            throw new ImException(ImError.LAST_OWNER, "you are the last owner: make someone else owner first");
        }
        messaging.system(locked.conversation(), actor, Json.createObjectBuilder().add("event", "member_left")
                .add("user", actor).build());
        em.remove(locked.actor());
        if (current.size() == 1) {
            locked.group().delete(Instant.now());
        }
    }

    /** Deletes the group (owners only): members are told, then nobody is a member any more. */
    public void delete(String actor, String groupId) {
        Locked locked = lock(actor, groupId);
        requireRole(locked, OWNER);
        messaging.system(locked.conversation(), actor, event("group_deleted", actor).build());
        em.createQuery("delete from ConversationMember m where m.key.conversationId = :conversation")
                .setParameter("conversation", locked.conversation().getId()).executeUpdate();
        locked.group().delete(Instant.now());
    }

    private Locked lock(String actor, String groupId) {
        findGroup(groupId);
        Conversation conversation = em.find(Conversation.class, Conversations.group(groupId),
                LockModeType.PESSIMISTIC_WRITE);
        ImGroup group = em.find(ImGroup.class, groupId);
        em.refresh(group); // read after the lock: a concurrent delete or rename is seen
        ConversationMember actorMember = conversation == null ? null
                : em.find(ConversationMember.class, new ConversationMember.Key(conversation.getId(), actor));
        if (group.isDeleted() || actorMember == null) {
            throw notFound(groupId);
        }
        return new Locked(group, conversation, actorMember);
    }

    private ImGroup findGroup(String groupId) {
        ImGroup group = groupId != null && Conversations.GROUP_ID.matcher(groupId).matches()
                ? em.find(ImGroup.class, groupId) : null;
        if (group == null || group.isDeleted()) {
            throw notFound(groupId);
        }
        return group;
    }

    private static ImException notFound(String groupId) {
        return new ImException(ImError.NOT_FOUND, "no group " + groupId);
    }

    private ConversationMember member(Locked locked, String username) {
        ConversationMember member = em.find(ConversationMember.class,
                new ConversationMember.Key(locked.conversation().getId(), username));
        if (member == null) {
            throw new ImException(ImError.NOT_FOUND, username + " is not a member");
        }
        return member;
    }

    private static void requireRole(Locked locked, String... roles) {
        for (String role : roles) {
            if (role.equals(locked.actor().getRole())) {
                return;
            }
        }
        throw new ImException(ImError.FORBIDDEN, "this needs the role " + String.join(" or ", roles));
    }

    private long owners(Locked locked) {
        return messaging.members(locked.conversation().getId()).stream()
                .filter(m -> OWNER.equals(m.getRole())).count();
    }

    private Set<String> usernames(Locked locked) {
        Set<String> names = new LinkedHashSet<>();
        messaging.members(locked.conversation().getId()).forEach(m -> names.add(m.getUsername()));
        return names;
    }

    /** A user may be added by {@code actor}: they exist, are enabled, and have not blocked the actor. */
    private void requireAddable(String actor, String user) {
        Account account = accounts.find(user).filter(a -> !a.isDisabled())
                .orElseThrow(() -> new ImException(ImError.UNKNOWN_RECIPIENT, "no user " + user));
        if (blocks.isBlocked(account.getUsername(), actor)) {
            throw new ImException(ImError.BLOCKED, "you cannot add " + user);
        }
    }

    /** A group name: 1 to 100 characters, through the content filter (which may mask it). */
    private String validName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > MAX_NAME) {
            throw new ImException(ImError.INVALID, "name must have 1 to " + MAX_NAME + " characters");
        }
        if (!VisibleText.isClean(stripped)) {
            throw new ImException(ImError.INVALID, "name may not contain control, bidirectional or invisible characters");
        }
        String filtered = contentFilter.apply(Json.createValue(stripped).toString());
        try (JsonReader reader = Json.createReader(new StringReader(filtered))) {
            return ((JsonString) reader.readValue()).getString();
        }
    }

    private static JsonObjectBuilder event(String event, String by) {
        return Json.createObjectBuilder().add("event", event).add("by", by);
    }

    private GroupView view(ImGroup group) {
        return new GroupView(group, messaging.members(Conversations.group(group.getId())));
    }
}
