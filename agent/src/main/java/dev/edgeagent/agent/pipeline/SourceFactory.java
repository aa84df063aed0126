package dev.edgeagent.agent.pipeline;

import dev.edgeagent.agent.batch.PayloadFormat;
import dev.edgeagent.agent.config.AgentConfig;
import dev.edgeagent.agent.config.AgentConfig.SourceConfig;
import dev.edgeagent.agent.config.AgentConfig.StreamConfig;
import dev.edgeagent.agent.capture.StreamStats;
import dev.edgeagent.protocols.source.RecordSink;
import dev.edgeagent.protocols.source.mqtt.MqttSourceSettings;
import dev.edgeagent.agent.config.HostPort;
import dev.edgeagent.protocols.camera.MjpegHttpSettings;
import dev.edgeagent.protocols.camera.MjpegHttpSource;
import dev.edgeagent.protocols.gnss.GpsdClientSettings;
import dev.edgeagent.protocols.gnss.GpsdClientSource;
import dev.edgeagent.protocols.source.socketcan.SocketCanSettings;
import dev.edgeagent.protocols.source.udp.UdpReceiverSettings;
import dev.edgeagent.protocols.source.udp.UdpReceiverSource;
import dev.edgeagent.protocols.source.socketcan.SocketCanSource;
import dev.edgeagent.protocols.source.mqtt.MqttSubscriberSource;
import dev.edgeagent.protocols.source.synthetic.SyntheticSource;
import dev.edgeagent.protocols.source.synthetic.SyntheticSourceSettings;
import org.agrona.concurrent.EpochNanoClock;

/** Turns a stream's {@code source:} settings into a running source adapter from {@code protocols}. */
final class SourceFactory {

    private final AgentConfig config;
    private final EpochNanoClock clock;
    private final boolean once;

    SourceFactory(AgentConfig config, EpochNanoClock clock, boolean once) {
        this.config = config;
        this.clock = clock;
        this.once = once;
    }

    /** How a stream's payloads are laid out, from its source type. */
    static PayloadFormat payloadFormat(SourceConfig s) {
        return switch (s.type()) {
            case mqtt -> PayloadFormat.MQTT_PAYLOAD;
            case synthetic -> PayloadFormat.SYNTHETIC;
            case replay -> switch (ReplaySources.format(s)) {
                case candump -> PayloadFormat.SOCKETCAN_FRAME;
                case pcap -> PayloadFormat.UDP_PAYLOAD;
                case mp4 -> PayloadFormat.H264;
                case gnss -> PayloadFormat.GNSS_FRAME;
                case csv -> PayloadFormat.IMU_SAMPLE;
            };
            case udp -> PayloadFormat.UDP_PAYLOAD;
            case gpsd -> PayloadFormat.GPSD_JSON;
            case socketcan -> PayloadFormat.SOCKETCAN_FRAME;
            case mjpeg, images -> PayloadFormat.IMAGE;
        };
    }

    /**
     * @param alreadyCaptured records of this stream already in its queue: a replay or synthetic source skips
     *                        that many so that a restart continues where the last run stopped
     */
    SourceHandle create(StreamConfig stream, RecordSink sink, StreamStats stats, long alreadyCaptured) {
        SourceConfig s = stream.source();
        return switch (s.type()) {
            case replay -> ReplaySources.create(stream, sink, stats, clock, once, alreadyCaptured);
            case synthetic -> synthetic(stream, sink, alreadyCaptured);
            case mqtt -> mqtt(stream, sink);
            case socketcan -> socketCan(stream, sink, stats);
            case udp -> udp(stream, sink, stats);
            case gpsd -> gpsd(stream, sink, stats);
            case images -> ReplaySources.images(stream, sink, stats, clock, once, alreadyCaptured);
            case mjpeg -> mjpeg(stream, sink, stats);
        };
    }

    private SourceHandle synthetic(StreamConfig stream, RecordSink sink, long alreadyCaptured) {
        SourceConfig s = stream.source();
        SyntheticSourceSettings settings = SyntheticSourceSettings.of(s.recordBytes())
                .withSizeJitterPercent(s.sizeJitterPercent())
                .withRate(s.rate())
                .withCount(s.count())
                .withMaxLagNanos(s.maxLag().toNanos())
                .withPrefilled(s.payload() == AgentConfig.SyntheticPayload.prefilled)
                .withMaxRecordsPerWork(1024);   // a duty cycle fills at most one capture block
        SyntheticSource source = new SyntheticSource(settings, sink, clock, System::nanoTime);
        source.skipRecords(alreadyCaptured);
        String description = "synthetic " + s.recordBytes() + " B at " + (s.rate() == 0 ? "max" : s.rate() + "/s")
                + (s.count() > 0 ? ", " + s.count() + " records" : "");
        return new SourceHandle(source, description, s.count() > 0,
                () -> source.exhausted() ? "done" : "generating", source::recordsDropped, source::nanosUntilDue);
    }

    /** Live UDP (a LiDAR's packets, an IMU's datagrams): one record per datagram, never blocking the socket. */
    private SourceHandle udp(StreamConfig stream, RecordSink sink, StreamStats stats) {
        SourceConfig s = stream.source();
        java.net.InetSocketAddress at = HostPort.parse(s.endpoint().orElseThrow());
        UdpReceiverSettings settings = UdpReceiverSettings.of(at.getPort()).withBindAddress(at.getHostString())
                .withReceiveBufferBytes((int) Math.min(Integer.MAX_VALUE, s.receiveBuffer().asLongValue()));
        UdpReceiverSource source = new UdpReceiverSource(settings, sink, new BadInputLog(stats, "UDP " + at));
        return new SourceHandle(source, "udp " + at.getHostString() + ":" + at.getPort(), false,
                () -> source.datagrams() + " datagrams, receive buffer " + source.grantedReceiveBufferBytes() + " B",
                source::dropped, null);
    }

    /** gpsd's watcher protocol: one record per JSON report, reconnecting by itself. */
    private SourceHandle gpsd(StreamConfig stream, RecordSink sink, StreamStats stats) {
        java.net.InetSocketAddress at = stream.source().endpoint().map(HostPort::parse)
                .orElse(java.net.InetSocketAddress.createUnresolved(GpsdClientSettings.DEFAULT_HOST,
                        GpsdClientSettings.DEFAULT_PORT));
        GpsdClientSource source = new GpsdClientSource(GpsdClientSettings.of(at.getHostString(), at.getPort()), sink,
                new BadInputLog(stats, "gpsd " + at), clock);
        return new SourceHandle(source, "gpsd " + at.getHostString() + ":" + at.getPort(), false,
                () -> source.connected() ? "connected" : source.lastError() == null ? "connecting"
                        : "disconnected: " + source.lastError());
    }

    /** An IP camera's MJPEG stream over HTTP: one record per JPEG frame, reconnecting by itself. */
    private SourceHandle mjpeg(StreamConfig stream, RecordSink sink, StreamStats stats) {
        java.net.URI url = java.net.URI.create(stream.source().endpoint().orElseThrow());
        MjpegHttpSource source = new MjpegHttpSource(MjpegHttpSettings.of(url, stream.id()), sink,
                new BadInputLog(stats, url.toString()), clock);
        return new SourceHandle(source, "mjpeg " + url, false, () -> source.streaming() ? "streaming"
                : source.lastError() == null ? "connecting" : "disconnected: " + source.lastError());
    }

    /** Live SocketCAN (javacan); untested on the build machines, which have no vcan. */
    private SourceHandle socketCan(StreamConfig stream, RecordSink sink, StreamStats stats) {
        String iface = stream.source().device().orElseThrow();
        SocketCanSource source = new SocketCanSource(SocketCanSettings.of(iface), sink,
                new BadInputLog(stats, "CAN interface " + iface));
        return new SourceHandle(source, "socketcan " + iface, false,
                () -> source.frames() + " frames", source::refused, null);
    }

    private SourceHandle mqtt(StreamConfig stream, RecordSink sink) {
        SourceConfig s = stream.source();
        AgentConfig.MqttBrokerConfig broker = config.mqtt();
        String clientId = broker.clientIdPrefix().orElse(config.deviceId()) + "-" + stream.id();
        MqttSourceSettings settings = MqttSourceSettings.of(broker.uri(), clientId,
                        s.topics().orElseThrow().toArray(new String[0]))
                .withQos(s.qos())
                .withSessionExpiry(broker.sessionExpiry())
                .withKeepAlive(broker.keepAlive());
        if (broker.username().isPresent()) {
            settings = settings.withCredentials(broker.username().get(), broker.password().orElse(null));
        }
        MqttSubscriberSource source = new MqttSubscriberSource(settings, sink, clock);
        String description = "mqtt " + broker.uri() + " " + s.topics().get();
        return new SourceHandle(source, description, false, () -> source.connected() ? "connected"
                : source.lastError() == null ? "connecting" : "disconnected: " + source.lastError());
    }
}
