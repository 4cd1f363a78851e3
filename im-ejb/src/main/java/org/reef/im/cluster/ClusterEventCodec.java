package org.reef.im.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format of a batch of {@link ClusterEvent}s between nodes: a version byte, a count, then each event as a
 * kind byte and its fields (strings as modified UTF-8, byte arrays length-prefixed). Nodes of one cluster run the
 * same build, so the version only guards against a mix during a rolling upgrade: a batch of another version is
 * refused whole, with an error the receiver logs.
 */
final class ClusterEventCodec {

    static final int VERSION = 1;
    private static final int INBOX_ENTRY = 1;
    private static final int PUBLISH = 2;
    private static final int DISCONNECT = 3;
    private static final int TAKEN_OVER = 4;
    private static final int RELAYED = 5;
    private static final int RATE_SPENT = 6;
    private static final int SHARED_GROUPS = 7;
    private static final int RETAINED_WANTED = 8;
    private static final int RETAINED_COPY = 9;
    private static final int INVALIDATED = 10;
    /** Bounds a decoder keeps to, whatever the bytes say. */
    private static final int MAX_EVENTS = 1_000_000;
    private static final int MAX_BYTES = 64 * 1024 * 1024;

    private ClusterEventCodec() {
    }

    static byte[] encode(List<ClusterEvent> events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(events.size());
            for (ClusterEvent event : events) {
                write(out, event);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** An estimate of an event's encoded size, to bound a batch. */
    static int size(ClusterEvent event) {
        if (event instanceof ClusterEvent.InboxEntry entry) {
            return 16 + entry.event().length + entry.positions().size() * 24;
        }
        if (event instanceof ClusterEvent.Publish publish) {
            return 16 + publish.topic().length() + publish.payload().length;
        }
        if (event instanceof ClusterEvent.Disconnect disconnect) {
            return 16 + disconnect.clientId().length();
        }
        if (event instanceof ClusterEvent.Relayed relayed) {
            return 8 + relayed.message().length;
        }
        if (event instanceof ClusterEvent.RateSpent spent) {
            return 8 + spent.username().length();
        }
        if (event instanceof ClusterEvent.RetainedWanted wanted) {
            return 8 + wanted.node().length();
        }
        if (event instanceof ClusterEvent.RetainedCopy copy) {
            return 8 + copy.node().length() + copy.messages().stream().mapToInt(m -> 4 + m.length).sum();
        }
        if (event instanceof ClusterEvent.SharedGroups groups) {
            return 8 + groups.node().length() + groups.filters().stream().mapToInt(f -> 2 + f.length()).sum();
        }
        if (event instanceof ClusterEvent.Invalidated invalidated) {
            return 8 + invalidated.name().length();
        }
        return 16 + ((ClusterEvent.TakenOver) event).clientId().length();
    }

    private static void write(DataOutputStream out, ClusterEvent event) throws IOException {
        if (event instanceof ClusterEvent.InboxEntry entry) {
            out.writeByte(INBOX_ENTRY);
            writeBytes(out, entry.event());
            writeNullable(out, entry.exceptClientId());
            out.writeInt(entry.positions().size());
            for (Map.Entry<String, Long> position : entry.positions().entrySet()) {
                out.writeUTF(position.getKey());
                out.writeLong(position.getValue());
            }
        } else if (event instanceof ClusterEvent.Publish publish) {
            out.writeByte(PUBLISH);
            out.writeUTF(publish.topic());
            writeBytes(out, publish.payload());
            out.writeByte(publish.qos());
            out.writeBoolean(publish.retain());
            writeNullable(out, publish.exceptClientId());
        } else if (event instanceof ClusterEvent.Relayed relayed) {
            out.writeByte(RELAYED);
            writeBytes(out, relayed.message());
        } else if (event instanceof ClusterEvent.RateSpent spent) {
            out.writeByte(RATE_SPENT);
            out.writeUTF(spent.username());
            out.writeInt(spent.count());
        } else if (event instanceof ClusterEvent.RetainedWanted wanted) {
            out.writeByte(RETAINED_WANTED);
            out.writeUTF(wanted.node());
        } else if (event instanceof ClusterEvent.RetainedCopy copy) {
            out.writeByte(RETAINED_COPY);
            out.writeUTF(copy.node());
            out.writeInt(copy.messages().size());
            for (byte[] message : copy.messages()) {
                writeBytes(out, message);
            }
        } else if (event instanceof ClusterEvent.SharedGroups groups) {
            out.writeByte(SHARED_GROUPS);
            out.writeUTF(groups.node());
            out.writeInt(groups.filters().size());
            for (String filter : groups.filters()) {
                out.writeUTF(filter);
            }
        } else if (event instanceof ClusterEvent.Disconnect disconnect) {
            out.writeByte(DISCONNECT);
            out.writeUTF(disconnect.clientId());
            writeNullable(out, disconnect.username());
        } else if (event instanceof ClusterEvent.Invalidated invalidated) {
            out.writeByte(INVALIDATED);
            out.writeByte(invalidated.kind());
            out.writeUTF(invalidated.name());
        } else {
            ClusterEvent.TakenOver takenOver = (ClusterEvent.TakenOver) event;
            out.writeByte(TAKEN_OVER);
            out.writeUTF(takenOver.clientId());
            out.writeLong(takenOver.connectedAtMillis());
        }
    }

    static List<ClusterEvent> decode(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("cluster event batch of version " + version + ", this node reads " + VERSION);
        }
        int count = bounded(in.readInt(), MAX_EVENTS);
        List<ClusterEvent> events = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            events.add(read(in));
        }
        return events;
    }

    private static ClusterEvent read(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        switch (kind) {
            case INBOX_ENTRY -> {
                byte[] event = readBytes(in);
                String except = readNullable(in);
                int users = bounded(in.readInt(), MAX_EVENTS);
                Map<String, Long> positions = new LinkedHashMap<>();
                for (int i = 0; i < users; i++) {
                    positions.put(in.readUTF(), in.readLong());
                }
                return new ClusterEvent.InboxEntry(positions, event, except);
            }
            case PUBLISH -> {
                String topic = in.readUTF();
                byte[] payload = readBytes(in);
                int qos = in.readUnsignedByte();
                boolean retain = in.readBoolean();
                return new ClusterEvent.Publish(topic, payload, qos, retain, readNullable(in));
            }
            case DISCONNECT -> {
                String clientId = in.readUTF();
                return new ClusterEvent.Disconnect(clientId, readNullable(in));
            }
            case RELAYED -> {
                return new ClusterEvent.Relayed(readBytes(in));
            }
            case RATE_SPENT -> {
                String username = in.readUTF();
                return new ClusterEvent.RateSpent(username, in.readInt());
            }
            case RETAINED_WANTED -> {
                return new ClusterEvent.RetainedWanted(in.readUTF());
            }
            case RETAINED_COPY -> {
                String node = in.readUTF();
                int count = bounded(in.readInt(), MAX_EVENTS);
                List<byte[]> messages = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    messages.add(readBytes(in));
                }
                return new ClusterEvent.RetainedCopy(node, messages);
            }
            case SHARED_GROUPS -> {
                String node = in.readUTF();
                int count = bounded(in.readInt(), MAX_EVENTS);
                List<String> filters = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    filters.add(in.readUTF());
                }
                return new ClusterEvent.SharedGroups(node, filters);
            }
            case TAKEN_OVER -> {
                String clientId = in.readUTF();
                return new ClusterEvent.TakenOver(clientId, in.readLong());
            }
            case INVALIDATED -> {
                int what = in.readUnsignedByte();
                return new ClusterEvent.Invalidated(what, in.readUTF());
            }
            default -> throw new IOException("unknown cluster event kind " + kind);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[bounded(in.readInt(), MAX_BYTES)];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static int bounded(int value, int max) throws IOException {
        if (value < 0 || value > max) {
            throw new IOException("cluster event batch with a count of " + value);
        }
        return value;
    }
}
