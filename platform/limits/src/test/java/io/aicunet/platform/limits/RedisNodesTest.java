package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The endpoint by which {@link RedisNodes} reaches one node of a cluster; the nodes themselves are in the cluster tests. */
class RedisNodesTest {

    /** Proves: a node's endpoint is the configured one with only host and port changed (user in the query kept). */
    @Test
    void nodeEndpointKeepsSchemeUserAndQuery() {
        assertThat(RedisNodes.endpoint("rediss://127.0.0.1:17001?user=agent-state", "127.0.0.1:17005"))
                .isEqualTo("rediss://127.0.0.1:17005?user=agent-state");
        assertThat(RedisNodes.endpoint("rediss://agent-state:secret@redis-0.redis:6379/0", "10.1.2.3:6380"))
                .isEqualTo("rediss://agent-state:secret@10.1.2.3:6380/0");
        assertThat(RedisNodes.endpoint("rediss://h:1", "[::1]:7000")).isEqualTo("rediss://[::1]:7000");
    }

    /** Proves: an address that is no host:port is refused with the node named, not dialled. */
    @Test
    void aMalformedNodeAddressIsRefused() {
        assertThatThrownBy(() -> RedisNodes.endpoint("rediss://h:1", "no-port"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-port");
    }
}
