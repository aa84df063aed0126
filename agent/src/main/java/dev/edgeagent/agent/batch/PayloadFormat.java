package dev.edgeagent.agent.batch;

/**
 * How a stream's record payloads are laid out, which sets its MCAP message encoding and the text of its
 * schema record. MCAP allows custom encodings; these describe raw captured bytes kept as they arrived.
 */
public enum PayloadFormat {
    UDP_PAYLOAD("udp-payload", "UdpPayload",
            "One UDP datagram payload per message, byte for byte as the sensor sent it (no IP/UDP headers).\n"
                    + "publish_time = capture timestamp of the packet; log_time = agent receive time.\n"),
    SOCKETCAN_FRAME("socketcan", "SocketCanFrame",
            "One CAN or CAN FD frame per message, Linux SocketCAN layout, little-endian:\n"
                    + "u32 can_id (bit 31 EFF extended id, bit 30 RTR, bit 29 ERR), u8 len (0..64),\n"
                    + "u8 flags (0x01 BRS, 0x02 ESI, 0x04 FDF = CAN FD frame), u8 reserved, u8 len8_dlc, data[len].\n"
                    + "The channel's topic ends with the CAN interface name.\n"),
    MQTT_PAYLOAD("mqtt-payload", "MqttPayload",
            "One MQTT PUBLISH payload per message, byte for byte; the channel's topic ends with the MQTT topic\n"
                    + "(metadata key 'key' holds it exactly). log_time = agent receive time.\n"),
    GNSS_FRAME("gnss-frame", "GnssFrame",
            "One GNSS receiver frame per message, byte for byte: an NMEA 0183 sentence ($...*hh CR LF), a u-blox UBX\n"
                    + "frame (B5 62 class id len payload ck_a ck_b) or an RTCM3 frame (D3 len payload CRC-24Q).\n"
                    + "The channel's topic ends with the frame kind: nmea, ubx or rtcm3.\n"),
    GPSD_JSON("gpsd-json", "GpsdReport",
            "One gpsd JSON report per message (a line of gpsd's watcher protocol: TPV, SKY, ...), byte for byte.\n"
                    + "The channel's topic ends with the report's class.\n"),
    IMU_SAMPLE("imu-sample", "ImuSample",
            "One IMU sample per message in the agent's IMU layout (protocols dev.edgeagent.protocols.imu.ImuSample):\n"
                    + "little-endian; angular velocity rad/s, linear acceleration m/s^2, optional orientation and\n"
                    + "magnetic field.\n"),
    IMAGE("image", "EncodedImage",
            "One encoded camera frame per message (JPEG or PNG), byte for byte.\n"),
    H264("h264-annexb", "H264AccessUnit",
            "One H.264 access unit per message in Annex B (start codes), SPS/PPS before each keyframe.\n"),
    DERIVED("json", "Derived",
            "Records a transform derived (written under their own schema, see the channel's schema record).\n"),
    SYNTHETIC("synthetic", "SyntheticRecord",
            "Synthetic load record: u64 LE sequence, u64 LE generation time ns, then a filler pattern.\n");

    /** Schema records describe the layout in plain text under this custom encoding. */
    public static final String SCHEMA_ENCODING = "edgeagent-layout";

    private final String messageEncoding;
    private final String typeName;
    private final String layout;

    PayloadFormat(String messageEncoding, String typeName, String layout) {
        this.messageEncoding = messageEncoding;
        this.typeName = typeName;
        this.layout = layout;
    }

    public String messageEncoding() {
        return messageEncoding;
    }

    /** Schema name, one per modality and format, e.g. edgeagent.lidar.UdpPayload. */
    public String schemaName(String modality) {
        return "edgeagent." + modality + "." + typeName;
    }

    public byte[] schemaText() {
        return layout.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
