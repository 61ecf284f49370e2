# Quiet output in the manner of Kbuild: one line per step ("  CC      lib/base/util.c"),
# the full commands with V=1.
ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif
