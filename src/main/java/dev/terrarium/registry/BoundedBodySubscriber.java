package dev.terrarium.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body in memory up to a limit. Past the limit it either fails with {@link
 * BodyTooLargeException} (for content the caller needs whole) or keeps the first bytes and drops
 * the rest (for error bodies, which are only read for their message). Either way it stops the
 * transfer, so a registry cannot make the operator read an unbounded body.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

    /** The body was larger than the limit of a caller that needs it whole. */
    static final class BodyTooLargeException extends IOException {
        private final long limit;

        BodyTooLargeException(long limit) {
            super("response body larger than " + limit + " bytes");
            this.limit = limit;
        }

        long limit() {
            return limit;
        }
    }

    private final long limit;
    private final boolean truncate;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedBodySubscriber(long limit, boolean truncate) {
        this.limit = limit;
        this.truncate = truncate;
    }

    /** Whole bodies up to {@code limit} for success statuses; the first bytes of anything else. */
    static HttpResponse.BodyHandler<byte[]> handler(long limit, long errorBodyLimit) {
        return info ->
                info.statusCode() / 100 == 2
                        ? new BoundedBodySubscriber(limit, false)
                        : new BoundedBodySubscriber(errorBodyLimit, true);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        subscription = newSubscription;
        newSubscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int room = (int) Math.min(Integer.MAX_VALUE, limit - buffer.size());
            if (item.remaining() > room) {
                subscription.cancel();
                if (truncate) {
                    write(item, room);
                    body.complete(buffer.toByteArray());
                } else {
                    body.completeExceptionally(new BodyTooLargeException(limit));
                }
                return;
            }
            write(item, item.remaining());
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(buffer.toByteArray());
    }

    private void write(ByteBuffer item, int count) {
        byte[] chunk = new byte[count];
        item.get(chunk);
        buffer.write(chunk, 0, count);
    }
}
