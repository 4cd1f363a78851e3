package org.reef.bench.scenario;

import org.reef.bench.client.ClientSettings;
import org.reef.bench.flow.Topology;
import org.reef.bench.im.Accounts;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Who talks to whom through Reef's IM topics: publisher {@code p} is a device of user {@code senders[p]} that
 * publishes to {@code im/send} addressed to {@code recipients[p]}, and listens on its own inbox for the server's
 * acknowledgements; subscriber {@code s} is a device of user {@code receivers[s]} on its inbox. Every device signs
 * in with its user's name and token.
 *
 * @param recipients by publisher: {@code user:{name}} or {@code group:{id}}
 * @param sources    by subscriber: the publishers whose every message it should get
 */
record ImTopology(List<String> senders, List<String> recipients, List<String> receivers, int[][] sources,
                  Accounts accounts) implements Topology {

    static final String SEND = "im/send";
    static final String INBOX = "im/inbox/";

    /** Pair {@code i}: sender {@code i} writes to receiver {@code i}. */
    static ImTopology pairs(List<String> senders, List<String> receivers, Accounts accounts) {
        return new ImTopology(senders, receivers.stream().map(name -> "user:" + name).toList(), receivers,
                IntStream.range(0, receivers.size()).mapToObj(i -> new int[] {i}).toArray(int[][]::new), accounts);
    }

    /** Every sender writes to the group, every receiver gets every sender's messages. */
    static ImTopology group(List<String> senders, String conversation, List<String> receivers, Accounts accounts) {
        int[] all = IntStream.range(0, senders.size()).toArray();
        return new ImTopology(senders, senders.stream().map(sender -> conversation).toList(), receivers,
                receivers.stream().map(receiver -> all).toArray(int[][]::new), accounts);
    }

    @Override
    public int publishers() {
        return senders.size();
    }

    @Override
    public int subscribers() {
        return receivers.size();
    }

    @Override
    public String publishTopic(int publisher) {
        return SEND;
    }

    @Override
    public String subscriptionFilter(int subscriber) {
        return INBOX + receivers.get(subscriber);
    }

    @Override
    public int[] sourcesOf(int subscriber) {
        return sources[subscriber].clone();
    }

    @Override
    public String publisherFilter(int publisher) {
        return INBOX + senders.get(publisher);
    }

    @Override
    public ClientSettings publisherSettings(int publisher, ClientSettings base) {
        String user = senders.get(publisher);
        return base.withClientId(base.clientId() + "-p" + publisher).withCredentials(user, accounts.token(user));
    }

    @Override
    public ClientSettings subscriberSettings(int subscriber, ClientSettings base) {
        String user = receivers.get(subscriber);
        return base.withClientId(base.clientId() + "-s" + subscriber).withCredentials(user, accounts.token(user));
    }
}
