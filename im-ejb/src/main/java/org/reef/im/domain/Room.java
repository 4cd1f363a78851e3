package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;

/** A chat room: a name, its owner and its size limit. Who is in it is the broker's business (its subscribers). */
@Entity
@Table(name = "room")
@NamedQuery(name = Room.ALL, query = "select r from Room r order by r.name")
public class Room {

    public static final String ALL = "Room.all";

    @Id
    @Column(length = 64)
    private String name;

    @Column(nullable = false, length = 32)
    private String owner;

    @Column(name = "max_members", nullable = false)
    private int maxMembers;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Room() {
    }

    public Room(String name, String owner, int maxMembers, Instant createdAt) {
        this.name = name;
        this.owner = owner;
        this.maxMembers = maxMembers;
        this.createdAt = createdAt;
    }

    public String getName() {
        return name;
    }

    public String getOwner() {
        return owner;
    }

    public int getMaxMembers() {
        return maxMembers;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
