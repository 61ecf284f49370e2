# Quiet output in the manner of Kbuild: one line per step ("  CC      lib/base/util.c"),
# the full commands with V=1, nothing with make -s.
# (note is the line alone, for a recipe line that prints it only sometimes)
# short_opts: make's one-letter options ("-rs"; rules/defs.mk reads -n)
short_opts := $(firstword -$(MAKEFLAGS))
ifeq ($(V),1)
Q :=
msg =
note =
else ifneq ($(if $(filter --%,$(short_opts)),,$(findstring s,$(short_opts))),)
Q := @
note =
msg = @
else
Q := @
note = printf '  %-7s %s\n' '$(1)' '$(2)';
msg = @$(note)
endif
