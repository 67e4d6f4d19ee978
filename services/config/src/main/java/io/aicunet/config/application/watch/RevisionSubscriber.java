package io.aicunet.config.application.watch;

/**
 * What a {@link ChangeFeed} hands its batches to, in order. The feed knows its
 * subscribers only through this (a {@link WatchSession} is one), so the feed does not
 * depend on the watch streams that depend on it.
 */
interface RevisionSubscriber {

    /** Takes the next batch the feed read; never blocks the feed. */
    void offer(RevisionBatch batch);
}
