package org.duplex.failover.executor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;

/** A test agent whose results the test sets; "hang" blocks until interrupted (a stuck operation). */
final class ScriptedAgent implements ResourceAgent, Killable {

    volatile OcfStatus startResult = OcfStatus.SUCCESS;
    volatile OcfStatus stopResult = OcfStatus.SUCCESS;
    volatile OcfStatus monitorResult = OcfStatus.SUCCESS;
    volatile boolean hangStart;
    volatile boolean hangStop;
    volatile boolean killWorks = true;
    final AtomicInteger monitors = new AtomicInteger();
    final AtomicInteger kills = new AtomicInteger();
    final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
    volatile CountDownLatch entered = new CountDownLatch(1);

    @Override
    public String type() {
        return "scripted";
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        return List.of();
    }

    @Override
    public OperationResult start(Resource resource, Duration timeout) throws InterruptedException {
        calls.add("start " + resource.id());
        entered.countDown();
        if (hangStart) {
            Thread.sleep(Long.MAX_VALUE);
        }
        return OperationResult.of(startResult, "scripted start", Duration.ofMillis(1));
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) throws InterruptedException {
        calls.add("stop " + resource.id());
        entered.countDown();
        if (hangStop) {
            Thread.sleep(Long.MAX_VALUE);
        }
        if (stopResult == OcfStatus.SUCCESS) {
            monitorResult = OcfStatus.NOT_RUNNING;
        }
        return OperationResult.of(stopResult, "scripted stop", Duration.ofMillis(1));
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) {
        calls.add("monitor " + resource.id());
        monitors.incrementAndGet();
        return OperationResult.of(monitorResult, "scripted monitor", Duration.ofMillis(1));
    }

    @Override
    public OperationResult kill(Resource resource, Duration timeout) {
        calls.add("kill " + resource.id());
        kills.incrementAndGet();
        if (killWorks) {
            monitorResult = OcfStatus.NOT_RUNNING;
            return OperationResult.success("killed pid 4242", Duration.ofMillis(1));
        }
        return OperationResult.of(OcfStatus.ERR_GENERIC, "process 4242 in D state, SIGKILL had no effect",
                Duration.ofMillis(1));
    }
}
