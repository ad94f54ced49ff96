package org.duplex.cluster.jgroups;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.crypto.spec.SecretKeySpec;

import org.duplex.api.model.NodeId;
import org.duplex.cluster.core.ClusterMessage;
import org.duplex.cluster.core.MembershipView;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.IpAddress;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JGroups channel: membership views, merge after partitions, failure detection, reliable ordered messages.
 * The stack is built in code (no XML lookup), with every protocol class loaded from this bundle.
 */
public final class JGroupsEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JGroupsEngine.class);

    private static final String NODE_KEY = "duplex.node";

    private final JGroupsSettings settings;
    private final ExecutorService sender;
    private volatile JChannel channel;
    private volatile View jgView;
    /** Message types from newer builds already logged (each once). */
    private final java.util.Set<String> unknownTypes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private DISCARD discard;

    public JGroupsEngine(JGroupsSettings settings) {
        this.settings = settings;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "duplex-cluster-send-" + settings.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Joins the group; views and messages go to the callbacks (from JGroups threads). */
    public void start(Consumer<MembershipView> onView, Consumer<ClusterMessage> onMessage) throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // JGroups resolves protocol classes, magic-number maps and its properties through the context class
        // loader as well as its own: inside OSGi both must be this bundle's loader.
        current.setContextClassLoader(JGroupsEngine.class.getClassLoader());
        try {
            JChannel ch = new JChannel(stack());
            ch.setName(settings.nodeId().value());
            // Carry the node id inside the address itself: views then name their members without depending on
            // JGroups' logical-name cache, which can lag behind for a node that just restarted with a new address.
            byte[] id = settings.nodeId().value().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ch.addAddressGenerator(() -> ExtendedUUID.randomUUID(settings.nodeId().value()).put(NODE_KEY, id));
            ch.setDiscardOwnMessages(true);
            ch.setReceiver(new Receiver() {
                @Override
                public void viewAccepted(View v) {
                    jgView = v;
                    List<NodeId> members = new ArrayList<>();
                    for (Address a : v.getMembers()) {
                        toNodeId(a).ifPresent(members::add);
                    }
                    if (!members.contains(settings.nodeId())) {
                        members.add(settings.nodeId());
                    }
                    onView.accept(new MembershipView(v.getViewId().toString(), members));
                }

                @Override
                public void receive(Message msg) {
                    WireFormat.Decoded d = WireFormat.decode(msg.getArray());
                    if (!d.unknownType().isEmpty()) {
                        if (unknownTypes.add(d.unknownType()) && unknownTypes.size() < 64) {
                            LOG.info("Ignoring cluster messages of type '{}' (first from {}): a newer Duplex build"
                                    + " sends them and this build ({}) does not use them; logged once",
                                    d.unknownType(), msg.getSrc(),
                                    org.duplex.cluster.protocol.ProtocolVersion.CURRENT);
                        }
                        return;
                    }
                    if (d.message().isEmpty()) {
                        LOG.warn("Dropped an unreadable cluster message from {}: {}", msg.getSrc(), d.error());
                        return;
                    }
                    try {
                        onMessage.accept(d.message().get());
                    } catch (RuntimeException e) {
                        LOG.warn("Handling a cluster message from {} failed: {}", msg.getSrc(), e.toString());
                    }
                }
            });
            channel = ch;
            ch.connect(settings.clusterName());
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private Protocol[] stack() throws Exception {
        InetAddress bind = InetAddress.getByName(settings.bindAddress());
        // Non-blocking connects: with TCP, the single bundler thread sat in connect() to a powered-off member
        // (2 s per try, retried by UNICAST3 and MERGE3 for a minute) and every message to the live members
        // waited behind it; an 8-node lab's new coordinator failed 24 terms in a row after a power cut.
        TCP_NIO2 tcp = new TCP_NIO2();
        tcp.setBindAddr(bind);
        tcp.setBindPort(settings.bindPort());
        tcp.setPortRange(0);
        if (tcp.getDiagnosticsHandler() != null) {
            tcp.getDiagnosticsHandler().setEnabled(false);
        }
        List<IpAddress> hosts = new ArrayList<>();
        for (InetSocketAddress p : settings.peers()) {
            hosts.add(new IpAddress(InetAddress.getByName(p.getHostString()), p.getPort()));
        }
        TCPPING ping = new TCPPING();
        ping.setInitialHosts2(new ArrayList<>(hosts));
        ping.setPortRange(0);
        SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
        encrypt.setSecretKey(deriveKey(settings.clusterKey()));
        // FD_ALL3 is the backstop, not the detector: the heartbeat suspects a node dead on every link (one of them
        // out of band) at once. A short FD_ALL3 timeout over TCP excluded live members whenever retransmissions
        // stalled the connection (5-10 % loss: the epoch went 1 -> 19 in two minutes, serial link clean).
        FD_ALL3 fdAll = new FD_ALL3();
        long fdMs = settings.fdTimeout().toMillis();
        long backstopMs = Math.max(fdMs, settings.fdBackstop().toMillis());
        fdAll.setTimeout(backstopMs);
        fdAll.setInterval(fdAllInterval(backstopMs));
        FD_SOCK2 fdSock = new FD_SOCK2();
        fdSock.setBindAddress(bind);
        fdSock.setOffset(settings.fdSockOffset());
        VERIFY_SUSPECT verify = new VERIFY_SUSPECT();
        verify.setTimeout(Math.max(100, fdMs / 4));
        GMS gms = new GMS();
        gms.setJoinTimeout(joinTimeoutMs(hosts, bind, settings.bindPort()));
        // A node that found a coordinator keeps asking to join for up to MAX_JOIN_ATTEMPTS x the join timeout
        // before it founds a singleton view: with 2 attempts, nodes booting beside a 30-member view whose coordinator
        // answered late (two cores, 28 JVMs) became singletons that MERGE3 never merged back.
        gms.setMaxJoinAttempts(MAX_JOIN_ATTEMPTS);
        gms.printLocalAddress(false); // its banner went to System.out: the console of whoever ran bundle:restart
        gms.setViewAckCollectionTimeout(300);
        gms.setMergeTimeout(2000);
        gms.setLeaveTimeout(500);
        MERGE3 merge = new MERGE3();
        merge.setMinInterval(1000);
        merge.setMaxInterval(3000);
        merge.setCheckInterval(4000);
        List<Protocol> p = new ArrayList<>();
        p.add(tcp);
        if (settings.testHooks()) {
            discard = new DISCARD();
            p.add(discard);
        }
        p.add(encrypt);
        p.add(ping);
        p.add(merge);
        p.add(fdSock);
        p.add(fdAll);
        p.add(verify);
        // Over TCP a multicast is lost only with its connection; the retransmit check need not wake five times a
        // second (JGroups' own default, 1 s, is what an idle node can afford).
        p.add(new NAKACK2().setXmitInterval(NAKACK_XMIT_MS));
        p.add(new UNICAST3());
        p.add(new STABLE());
        p.add(gms);
        p.add(new FRAG4());
        return p.toArray(new Protocol[0]);
    }

    static final long NAKACK_XMIT_MS = 1000;

    /** JGroups' own default; the first attempt normally succeeds, so more attempts cost nothing at a normal start. */
    static final int MAX_JOIN_ATTEMPTS = 10;

    /**
     * FD_ALL3's heartbeat interval: four heartbeats per backstop timeout (JGroups' own ratio). It used to be capped at
     * 1 s, which with the 10 s backstop sent ten a second-apart where four suffice: one wake-up a second on every node
     * for a detector that only backs the heartbeat up.
     */
    static long fdAllInterval(long backstopMs) {
        return Math.max(50, backstopMs / 4);
    }

    /**
     * How long discovery waits for other members before this node founds the group alone. A node whose member list
     * names only itself has nobody to wait for: the half second went straight into the time to quorum (start to
     * quorate 3.3 s of which 0.5 s was this wait, one-node cluster as shipped).
     */
    static long joinTimeoutMs(List<IpAddress> members, InetAddress bind, int bindPort) {
        boolean alone = members.stream().allMatch(m -> m.getPort() == bindPort && m.getIpAddress().equals(bind));
        return alone ? 1 : 500;
    }

    /** AES-128 key = first 16 bytes of SHA-256("duplex-cluster-key-v1" + key file bytes). */
    static SecretKeySpec deriveKey(byte[] clusterKey) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("duplex-cluster-key-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] digest = sha.digest(clusterKey);
        return new SecretKeySpec(digest, 0, 16, "AES");
    }

    private Optional<NodeId> toNodeId(Address a) {
        if (a instanceof ExtendedUUID e) {
            byte[] id = e.get(NODE_KEY);
            if (id != null) {
                return Optional.of(NodeId.of(new String(id, java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        String name = NameCache.get(a);
        if (name == null) {
            name = a.toString();
        }
        try {
            return Optional.of(NodeId.of(name));
        } catch (IllegalArgumentException e) {
            LOG.warn("Member {} has no valid Duplex node id as its name; ignored", name);
            return Optional.empty();
        }
    }

    private Optional<Address> toAddress(NodeId id) {
        View v = jgView;
        if (v == null) {
            return Optional.empty();
        }
        for (Address a : v.getMembers()) {
            if (toNodeId(a).filter(id::equals).isPresent()) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Tells the group that {@code id} is dead, as its own failure detector would, so the view without it is
     * installed now. Called when the heartbeat links (several, one of them out of band) all declared it dead: they
     * time out sooner than FD_ALL3 and a serial link keeps a partitioned node out of this path.
     *
     * @return false when {@code id} is not in the current view (nothing to do)
     */
    public boolean suspect(NodeId id) {
        JChannel ch = channel;
        Optional<Address> a = toAddress(id);
        if (ch == null || a.isEmpty()) {
            return false;
        }
        GMS gms = ch.getProtocolStack().findProtocol(GMS.class);
        if (gms == null) {
            return false;
        }
        gms.up(new org.jgroups.Event(org.jgroups.Event.SUSPECT, java.util.Collections.singletonList(a.get())));
        return true;
    }

    /** Sends asynchronously (never from the caller's thread, which may hold the core's lock). */
    public void send(Optional<NodeId> target, ClusterMessage message) {
        byte[] bytes = WireFormat.encode(message);
        try {
            sender.execute(() -> {
                JChannel ch = channel;
                if (ch == null || !ch.isConnected()) {
                    return;
                }
                try {
                    if (target.isPresent()) {
                        Optional<Address> to = toAddress(target.get());
                        if (to.isPresent()) {
                            ch.send(new BytesMessage(to.get(), bytes));
                        }
                    } else {
                        ch.send(new BytesMessage(null, bytes));
                    }
                } catch (Exception e) {
                    LOG.debug("Send to {} failed: {}", target.map(Object::toString).orElse("all"), e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Test hook: drop all traffic in both directions (as if the network were cut). */
    public void cutNetwork(boolean cut) {
        if (discard == null) {
            throw new IllegalStateException("test hooks are not enabled");
        }
        discard.discardAll(cut);
    }

    @Override
    public void close() {
        sender.shutdownNow();
        JChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
        try {
            sender.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
