package dev.edgeagent.protocols.can.dbc;

/** A small DBC exercising what the Civic file lacks: Intel order, multiplexing, floats, CAN FD, extended ids. */
final class TinyDbc {

    private TinyDbc() {
    }

    /** 0x18FEF1FE | 0x80000000 */
    static final long EXT_ID_IN_DBC = 0x80000000L + 0x18FEF1FEL;

    static final String TEXT = """
            VERSION "1.0"


            NS_ :
            \tNS_DESC_
            \tCM_
            \tBA_DEF_
            \tVAL_TABLE_

            BS_:

            BU_: ECU GW

            VAL_TABLE_ Gears 0 "P" 1 "R" 2 "N" 3 "D" ;

            BO_ 100 INTEL: 8 ECU
             SG_ U12 : 4|12@1+ (0.5,-10) [-10|2037.5] "V" GW
             SG_ S8 : 16|8@1- (1,0) [-100|100] "" GW,ECU
             SG_ GEAR : 24|2@1+ (1,0) [0|3] "" GW
             SG_ F32 : 32|32@1- (2,1) [0|0] "" GW

            BO_ %d EXT_MUX: 8 ECU
             SG_ MUX M : 7|8@0+ (1,0) [0|0] "" GW
             SG_ A m0 : 15|16@0- (0.1,0) [-50|50] "deg" GW
             SG_ B m1 : 15|16@0+ (1,0) [0|0] "" GW
             SG_ TAIL : 63|8@0+ (1,0) [0|0] "" GW

            BO_ 200 FD: 64 ECU
             SG_ FIRST : 0|8@1+ (1,0) [0|0] "" GW
             SG_ X_SPAN : 60|12@1+ (1,0) [0|0] "" GW
             SG_ M_SPAN : 59|12@0+ (1,0) [0|0] "" GW
             SG_ D64 : 128|64@1- (1,0) [0|0] "" GW
             SG_ M_BE : 495|16@0+ (1,0) [0|0] "" GW

            BO_ 300 SHORT3: 3 ECU
             SG_ X : 0|24@1+ (1,0) [0|0] "" GW

            BO_ 301 WIDE64: 8 ECU
             SG_ ALL : 0|64@1+ (1,0) [0|0] "" GW

            BO_TX_BU_ 100 : ECU,GW;

            CM_ "tiny test database";
            CM_ BO_ 100 "Intel message";
            CM_ SG_ 100 U12 "twelve bits
            over two lines";
            CM_ BU_ ECU "a node";
            BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
            BA_DEF_DEF_ "GenMsgCycleTime" 100;
            BA_ "GenMsgCycleTime" BO_ 100 20;
            VAL_ 100 GEAR Gears ;
            VAL_ %d MUX 0 "angle" 1 "count" ;
            SIG_VALTYPE_ 100 F32 : 1;
            SIG_VALTYPE_ 200 D64 : 2;
            """.formatted(EXT_ID_IN_DBC, EXT_ID_IN_DBC);

    static DbcDatabase load() {
        return DbcParser.parse(TEXT);
    }
}
