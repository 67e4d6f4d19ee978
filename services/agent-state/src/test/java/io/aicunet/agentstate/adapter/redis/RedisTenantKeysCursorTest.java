package io.aicunet.agentstate.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.agentstate.adapter.redis.RedisTenantKeys.ClusterCursor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The erasure's cluster-wide SCAN cursor ({@code <node id>:<cursor>}) walks every master in
 * turn and starts over when its master is gone; a node's endpoint keeps the service's
 * scheme, ACL user and options. Pure logic, no Redis.
 */
class RedisTenantKeysCursorTest {

    private static final List<String> MASTERS = List.of("a1", "b2", "c3");

    /** Proves: "0" starts at the first master, and each master's SCAN runs to its end before the next starts. */
    @Test
    void walksEveryMasterInTurn() {
        ClusterCursor start = ClusterCursor.resume("0", MASTERS);
        assertThat(start).isEqualTo(new ClusterCursor(0, "0"));
        assertThat(start.next("17", MASTERS)).isEqualTo("a1:17");

        ClusterCursor middle = ClusterCursor.resume("a1:17", MASTERS);
        assertThat(middle).isEqualTo(new ClusterCursor(0, "17"));
        assertThat(middle.next("0", MASTERS)).isEqualTo("b2:0");

        assertThat(ClusterCursor.resume("b2:0", MASTERS)).isEqualTo(new ClusterCursor(1, "0"));
        assertThat(ClusterCursor.resume("c3:5", MASTERS).next("0", MASTERS)).isEqualTo("0");
    }

    /** Proves: a cursor naming a node that is no master any more (failover) starts over at the first master. */
    @Test
    void startsOverWhenItsMasterIsGone() {
        assertThat(ClusterCursor.resume("gone:42", MASTERS)).isEqualTo(new ClusterCursor(0, "0"));
        // A single node's cursor (no node id) met on a cluster: also from the start.
        assertThat(ClusterCursor.resume("1234", MASTERS)).isEqualTo(new ClusterCursor(0, "0"));
    }
}
