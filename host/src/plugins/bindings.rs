//! Host bindings of the three `hearth:plugin@0.1.0` worlds, generated from `wit/`.
//! The shared interfaces (`types`, `log`) are generated once, with the tool world, and
//! reused by the others so one host implementation serves all.

/// The tool world: tools import log, progress, approval and exec.
pub mod tool {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "hearth:plugin/tool",
        imports: { default: async },
        exports: { default: async },
    });
}

/// The policy world: a pure component exporting `evaluate`.
pub mod policy {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "hearth:plugin/policy-plugin",
        imports: { default: async },
        exports: { default: async },
        with: {
            "hearth:plugin/types": super::tool::hearth::plugin::types,
        },
    });
}

/// The model adapter world: exports `models`, `start` and the response stream.
pub mod model {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "hearth:plugin/model-adapter",
        imports: { default: async },
        exports: { default: async },
        with: {
            "hearth:plugin/types": super::tool::hearth::plugin::types,
            "hearth:plugin/log": super::tool::hearth::plugin::log,
        },
    });
}

pub use tool::hearth::plugin::types;
