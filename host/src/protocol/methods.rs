//! Wire method names, so dispatch code and tests do not repeat string literals.

/// `initialize` (client → server request).
pub const INITIALIZE: &str = "initialize";
/// `initialized` (client → server notification, no params).
pub const INITIALIZED: &str = "initialized";

/// `thread/start`.
pub const THREAD_START: &str = "thread/start";
/// `thread/resume`.
pub const THREAD_RESUME: &str = "thread/resume";
/// `thread/fork`.
pub const THREAD_FORK: &str = "thread/fork";
/// `thread/list`.
pub const THREAD_LIST: &str = "thread/list";
/// `thread/read`.
pub const THREAD_READ: &str = "thread/read";
/// `thread/turns/list`.
pub const THREAD_TURNS_LIST: &str = "thread/turns/list";
/// `thread/loaded/list`.
pub const THREAD_LOADED_LIST: &str = "thread/loaded/list";
/// `thread/archive`.
pub const THREAD_ARCHIVE: &str = "thread/archive";
/// `thread/unarchive`.
pub const THREAD_UNARCHIVE: &str = "thread/unarchive";
/// `thread/name/set`.
pub const THREAD_NAME_SET: &str = "thread/name/set";
/// `thread/revert` (the 0.169.0 schema's replacement for `thread/rollback`).
pub const THREAD_REVERT: &str = "thread/revert";
/// `thread/rollback` (legacy; not in the 0.169.0 schema).
pub const THREAD_ROLLBACK: &str = "thread/rollback";
/// `thread/unsubscribe`.
pub const THREAD_UNSUBSCRIBE: &str = "thread/unsubscribe";
/// `thread/compact/start`.
pub const THREAD_COMPACT_START: &str = "thread/compact/start";

/// `turn/start`.
pub const TURN_START: &str = "turn/start";
/// `turn/steer`.
pub const TURN_STEER: &str = "turn/steer";
/// `turn/interrupt`.
pub const TURN_INTERRUPT: &str = "turn/interrupt";

/// `model/list`.
pub const MODEL_LIST: &str = "model/list";
/// `config/read`.
pub const CONFIG_READ: &str = "config/read";

/// `item/commandExecution/requestApproval` (server → client request).
pub const COMMAND_EXECUTION_REQUEST_APPROVAL: &str = "item/commandExecution/requestApproval";
/// `item/fileChange/requestApproval` (server → client request).
pub const FILE_CHANGE_REQUEST_APPROVAL: &str = "item/fileChange/requestApproval";
