package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;

/** One pattern of the content filter (a regular expression, matched case-insensitively). */
@Entity
@Table(name = "content_filter")
@NamedQuery(name = ContentRule.ALL, query = "select r from ContentRule r order by r.id")
public class ContentRule {

    public static final String ALL = "ContentRule.all";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 200)
    private String pattern;

    @Column(name = "created_by", nullable = false, length = 32)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected ContentRule() {
    }

    public ContentRule(String pattern, String createdBy, Instant createdAt) {
        this.pattern = pattern;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getPattern() {
        return pattern;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
