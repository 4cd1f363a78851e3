package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.reef.im.config.ImSettings;
import org.reef.web.dto.ClientConfig;

/**
 * {@code GET /api/v1/client-config}: where the web client at {@code /} finds MQTT over WebSocket. Public (the page
 * asks before anyone signs in). The values are the resource adapter's own settings, the {@code reef.mqtt.*} system
 * properties that {@code configure-reef.cli} sets from the {@code REEF_MQTT_*} environment variables.
 */
@Path("/client-config")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClientConfigResource {

    static final int DEFAULT_WS_PORT = 8083;
    static final int DEFAULT_WSS_PORT = 8084;
    static final String DEFAULT_WS_PATH = "/mqtt";

    @EJB
    private ImSettings settings;

    @GET
    public Response get() {
        CacheControl noCache = new CacheControl();
        noCache.setNoCache(true);
        return Response.ok(read(settings.maxBodyBytes())).cacheControl(noCache).build();
    }

    /** The configuration from the system properties; a missing or unreadable value is taken as the default. */
    static ClientConfig read(int maxBodyBytes) {
        int ws = port("reef.mqtt.ws-port", DEFAULT_WS_PORT);
        String keystore = System.getProperty("reef.mqtt.tls-keystore", "");
        int wss = keystore.isBlank() ? -1 : port("reef.mqtt.wss-port", DEFAULT_WSS_PORT);
        String path = System.getProperty("reef.mqtt.ws-path", DEFAULT_WS_PATH).strip();
        if (path.isEmpty()) {
            path = DEFAULT_WS_PATH;
        } else if (!path.startsWith("/")) {
            path = "/" + path;
        }
        return new ClientConfig(ws, wss, path, maxBodyBytes);
    }

    /**
     * A listener port as the adapter binds it: a port left at its default moves by {@code reef.port-offset}
     * (REEF_PORT_OFFSET), any other value is taken as given.
     */
    private static int port(String property, int defaultValue) {
        String raw = System.getProperty(property);
        int port = defaultValue;
        if (raw != null && !raw.isBlank()) {
            try {
                port = Integer.parseInt(raw.strip());
            } catch (NumberFormatException e) {
                port = defaultValue;
            }
        }
        if (port == defaultValue) {
            port += portOffset();
        }
        return port > 0 && port <= 65_535 ? port : -1;
    }

    private static int portOffset() {
        try {
            return Math.max(0, Integer.parseInt(System.getProperty("reef.port-offset", "0").strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
