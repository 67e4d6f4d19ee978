package io.aicunet.platform.tenancy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How a service groups concurrent single writes of one tenant into one transaction
 * ({@link GroupCommit}): the ledger's transfers, agent-state's checkpoint saves and
 * config's entry writes. docs/group-commit.md explains the choice of defaults.
 */
@ConfigMapping(prefix = "aicunet.group-commit")
public interface GroupCommitConfig {

    /** Most calls one transaction commits together; 1 turns grouping off. */
    @WithDefault("64")
    int maxCalls();

    /** Most groups of one tenant running at the same time on one replica. */
    @WithDefault("1")
    int maxInFlight();

    default GroupCommit.Settings settings() {
        return new GroupCommit.Settings(maxCalls(), maxInFlight());
    }
}
