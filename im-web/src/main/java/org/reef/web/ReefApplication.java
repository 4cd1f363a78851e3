package org.reef.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The HTTP API, versioned in its path. Resources and providers are discovered by scanning. */
@ApplicationPath("/api/v1")
public class ReefApplication extends Application {
}
