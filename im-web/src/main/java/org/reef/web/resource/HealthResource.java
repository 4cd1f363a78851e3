package org.reef.web.resource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;
import org.reef.web.dto.Health;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** {@code GET /api/v1/health}: 200 when the database and the MQTT adapter answer, 503 otherwise. */
@Path("/health")
@RequestScoped
public class HealthResource {

    private static final int DB_TIMEOUT_SECONDS = 2;

    @Resource(lookup = "java:jboss/datasources/ReefDS")
    private DataSource dataSource;

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory mqtt;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        String database = databaseUp() ? "UP" : "DOWN";
        String broker = mqttUp() ? "UP" : "DOWN";
        boolean up = "UP".equals(database) && "UP".equals(broker);
        return Response.status(up ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(new Health(up ? "UP" : "DOWN", database, broker))
                .build();
    }

    private boolean databaseUp() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(DB_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private boolean mqttUp() {
        try (MqttConnection ignored = mqtt.getConnection()) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
