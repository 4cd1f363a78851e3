-- The cluster node a device is connected to (jboss.node.name, REEF_NODE_ID), so that the survivors of a node that
-- died can tell which devices went with it (docs/cluster.md, "Node loss"). NULL on rows from before this version.
ALTER TABLE device_session ADD COLUMN node VARCHAR(64);
CREATE INDEX device_session_node ON device_session (node);
