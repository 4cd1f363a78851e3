package org.reef.im.cluster;

import org.infinispan.protostream.FileDescriptorSource;
import org.infinispan.protostream.ProtobufTagMarshaller;
import org.infinispan.protostream.SerializationContext;
import org.infinispan.protostream.SerializationContextInitializer;
import org.infinispan.protostream.TagReader;
import org.infinispan.protostream.descriptors.WireType;

import java.io.IOException;
import java.util.function.Function;

/**
 * Teaches WildFly's command dispatcher (ProtoStream, since WildFly 27) to marshal Reef's two commands,
 * {@link ClusterBatch} and {@link ClusterQuery}: each a one-field message holding bytes in Reef's own format. WildFly
 * finds it through {@code META-INF/services} in this module when the dispatcher is created with the deployment's
 * class loader.
 */
public final class ClusterBatchSchema implements SerializationContextInitializer {

    static final String PROTO_FILE = "org.reef.im.cluster.proto";
    static final String TYPE = "org.reef.im.cluster.ClusterBatch";
    static final String QUERY_TYPE = "org.reef.im.cluster.ClusterQuery";
    private static final int FIELD = 1;

    @Override
    public void registerSchema(SerializationContext context) {
        context.registerProtoFiles(FileDescriptorSource.fromString(PROTO_FILE,
                "package org.reef.im.cluster;\n"
                        + "message ClusterBatch {\n"
                        + "    optional bytes events = 1;\n"
                        + "}\n"
                        + "message ClusterQuery {\n"
                        + "    optional bytes query = 1;\n"
                        + "}\n"));
    }

    @Override
    public void registerMarshallers(SerializationContext context) {
        context.registerMarshaller(new BytesMarshaller<>(ClusterBatch.class, TYPE, ClusterBatch::new,
                ClusterBatch::events));
        context.registerMarshaller(new BytesMarshaller<>(ClusterQuery.class, QUERY_TYPE, ClusterQuery::new,
                ClusterQuery::query));
    }

    /** A message of one bytes field, the whole of a command. */
    static final class BytesMarshaller<T> implements ProtobufTagMarshaller<T> {

        private final Class<T> type;
        private final String typeName;
        private final Function<byte[], T> reader;
        private final Function<T, byte[]> writer;

        BytesMarshaller(Class<T> type, String typeName, Function<byte[], T> reader, Function<T, byte[]> writer) {
            this.type = type;
            this.typeName = typeName;
            this.reader = reader;
            this.writer = writer;
        }

        @Override
        public Class<? extends T> getJavaClass() {
            return type;
        }

        @Override
        public String getTypeName() {
            return typeName;
        }

        @Override
        public T read(ReadContext context) throws IOException {
            TagReader in = context.getReader();
            byte[] bytes = new byte[0];
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                if (tag == WireType.makeTag(FIELD, WireType.LENGTH_DELIMITED)) {
                    bytes = in.readByteArray();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            return reader.apply(bytes);
        }

        @Override
        public void write(WriteContext context, T value) throws IOException {
            context.getWriter().writeBytes(FIELD, writer.apply(value));
        }
    }
}
