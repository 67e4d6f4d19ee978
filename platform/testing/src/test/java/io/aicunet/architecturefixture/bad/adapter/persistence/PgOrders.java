package io.aicunet.architecturefixture.bad.adapter.persistence;

/** A persistence adapter other packages reach into. */
public class PgOrders {
}
