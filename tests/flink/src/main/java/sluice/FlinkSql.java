package sluice;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/** Runs the statements of a .sql file with Flink SQL in a local mini-cluster, waiting for each
 *  INSERT job to finish (its sources must be bounded). Parallelism from argv[1] (default 1). */
public final class FlinkSql {
    public static void main(String[] args) throws Exception {
        String sql = Files.readString(Path.of(args[0]));
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("parallelism.default", args.length > 1 ? args[1] : "1");
        env.getConfig().set("table.exec.resource.default-parallelism", args.length > 1 ? args[1] : "1");
        for (String stmt : sql.split(";\\s*(\\n|$)")) {
            String s = stmt.replaceAll("(?m)^\\s*--.*$", "").trim();
            if (s.isEmpty()) continue;
            TableResult r = env.executeSql(s);
            if (r.getJobClient().isPresent()) r.await();
        }
    }
}
