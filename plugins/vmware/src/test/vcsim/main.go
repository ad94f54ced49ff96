// vcsim for Duplex's VMware plug-in tests: VMware's vSphere simulator (govmomi's simulator package, from Debian's
// golang-github-vmware-govmomi-dev) serving the vim25 SOAP API at /sdk over TLS, plus a stand-in for VMware Tools
// inside each guest (vcsim 0.24 reports tools "not running" for every VM unless it runs one as a Docker container).
//
// It prints, one per line: "URL <sdk url>", "THUMBPRINT <SHA-256 of the certificate, AA:BB:...>", "READY"; it
// exits when stdin is closed (so a test JVM that dies takes it along) or on SIGTERM.
package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (port 0: a free port)")
	user := flag.String("user", "duplex", "the only user name accepted")
	pass := flag.String("pass", "secret", "its password")
	plain := flag.Bool("http", false, "serve plain HTTP instead of TLS")
	idle := flag.Duration("session-idle", 0, "expire sessions idle this long (0: never)")
	boot := flag.Duration("boot", 300*time.Millisecond, "how long after power-on a guest's tools report running")
	noTools := flag.String("no-tools", "", "comma-separated VM names whose guest never starts tools")
	rename := flag.String("rename", "", "comma-separated OLD=NEW VM renames applied at start (the lab names its VMs)")
	hook := flag.String("hook", "", "command run as 'HOOK VMNAME POWERSTATE' at every power change, before the change is visible")
	control := flag.String("control", "", "unix socket taking 'state VM', 'on VM', 'off VM' lines (the lab's hand on the hypervisor)")
	daemon := flag.Bool("daemon", false, "do not exit when stdin closes (stop with SIGTERM)")
	flag.Parse()

	if *idle > 0 {
		simulator.SessionIdleTimeout = *idle
	}
	model := simulator.VPX()
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: model:", err)
		os.Exit(1)
	}
	for _, r := range strings.Split(*rename, ",") {
		if r == "" {
			continue
		}
		old, name, _ := strings.Cut(r, "=")
		if name == "" || !renameVM(old, name) {
			fmt.Fprintf(os.Stderr, "vcsim: -rename %q: no VM named %q (or no new name)\n", r, old)
			os.Exit(2)
		}
	}
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *pass)}
	if !*plain {
		model.Service.TLS = new(tls.Config)
	}
	server := model.Service.NewServer()

	sdk := *server.URL
	sdk.User = nil
	fmt.Println("URL", sdk.String())
	if !*plain {
		sum := sha256.Sum256(server.Certificate().Raw)
		hex := make([]string, len(sum))
		for i, b := range sum {
			hex[i] = fmt.Sprintf("%02X", b)
		}
		fmt.Println("THUMBPRINT", strings.Join(hex, ":"))
	}
	fmt.Println("READY")

	without := map[string]bool{}
	for _, n := range strings.Split(*noTools, ",") {
		if n != "" {
			without[n] = true
		}
	}
	g := &guests{boot: *boot, without: without, booted: map[types.ManagedObjectReference]time.Time{}, hook: *hook}
	simulator.Map.AddHandler(g)
	go g.run()
	if *control != "" {
		if err := serveControl(*control); err != nil {
			fmt.Fprintln(os.Stderr, "vcsim: -control:", err)
			os.Exit(2)
		}
	}

	done := make(chan struct{})
	if !*daemon {
		go func() {
			_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
			close(done)
		}()
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
	server.Close()
	model.Remove()
	if *control != "" {
		_ = os.Remove(*control)
	}
}

func findVM(name string) *simulator.VirtualMachine {
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok && vm.Name == name {
			return vm
		}
	}
	return nil
}

func renameVM(old, name string) bool {
	vm := findVM(old)
	if vm == nil {
		return false
	}
	simulator.Map.WithLock(vm, func() {
		simulator.Map.Update(vm, []types.PropertyChange{{Name: "name", Val: name}})
	})
	return true
}

// serveControl answers one command per connection: "state VM" -> the power state; "on VM" / "off VM" -> the power
// changed as a host event would (no task, no session: the hypervisor itself), "ok" once the hook has run.
func serveControl(path string) error {
	_ = os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				f := strings.Fields(line)
				if len(f) != 2 {
					fmt.Fprintln(c, "error: expected 'state|on|off VMNAME'")
					return
				}
				vm := findVM(f[1])
				if vm == nil {
					fmt.Fprintln(c, "error: no VM named", f[1])
					return
				}
				var answer string
				simulator.Map.WithLock(vm, func() {
					state := map[string]types.VirtualMachinePowerState{"on": types.VirtualMachinePowerStatePoweredOn,
						"off": types.VirtualMachinePowerStatePoweredOff}
					switch {
					case f[0] == "state":
						answer = string(vm.Runtime.PowerState)
					case state[f[0]] == "":
						answer = "error: unknown command " + f[0]
					case vm.Runtime.PowerState == state[f[0]]:
						answer = "ok (already " + string(vm.Runtime.PowerState) + ")"
					default:
						simulator.Map.Update(vm, []types.PropertyChange{
							{Name: "runtime.powerState", Val: state[f[0]]},
							{Name: "summary.runtime.powerState", Val: state[f[0]]},
						})
						answer = "ok"
					}
				})
				fmt.Fprintln(c, answer)
			}(c)
		}
	}()
	return nil
}

// guests plays VMware Tools in every VM: a power change (a power task, a guest shutdown) reaches it synchronously
// through the registry's handler, so a powered-off VM never shows running tools; the tools of a powered-on VM start
// after the boot delay (a ticker), then the guest has an IP address and a green heartbeat.
type guests struct {
	boot    time.Duration
	without map[string]bool
	mu      sync.Mutex
	booted  map[types.ManagedObjectReference]time.Time
	hook    string
}

func (g *guests) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "DuplexGuests", Value: "guests"}
}

func (g *guests) PutObject(mo.Reference)                    {}
func (g *guests) RemoveObject(types.ManagedObjectReference) {}

// UpdateObject runs inside the call that changed the VM (its lock held): reset the guest at once.
func (g *guests) UpdateObject(o mo.Reference, changes []types.PropertyChange) {
	vm, ok := o.(*mo.VirtualMachine)
	if !ok {
		return
	}
	for _, c := range changes {
		if c.Name != "runtime.powerState" {
			continue
		}
		down(vm)
		if g.hook != "" {
			// synchronous: a fencing power-off is reported done only after what stands for the machine is down
			out, err := exec.Command(g.hook, vm.Name, fmt.Sprint(c.Val)).CombinedOutput()
			fmt.Fprintf(os.Stderr, "vcsim: hook %s %v: %v %s\n", vm.Name, c.Val, err, strings.TrimSpace(string(out)))
		}
		g.mu.Lock()
		if c.Val == types.VirtualMachinePowerStatePoweredOn {
			g.booted[vm.Self] = time.Now()
		} else {
			delete(g.booted, vm.Self)
		}
		g.mu.Unlock()
	}
}

func (g *guests) run() {
	// the model created its VMs powered on: their guests booted long ago
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok {
			simulator.Map.WithLock(vm, func() {
				if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
					g.mu.Lock()
					g.booted[vm.Self] = time.Now().Add(-g.boot)
					g.mu.Unlock()
				}
			})
		}
	}
	for range time.Tick(20 * time.Millisecond) {
		for _, e := range simulator.Map.All("VirtualMachine") {
			vm, ok := e.(*simulator.VirtualMachine)
			if !ok || g.without[vm.Name] {
				continue
			}
			simulator.Map.WithLock(vm, func() {
				g.mu.Lock()
				at, on := g.booted[vm.Self]
				g.mu.Unlock()
				if on && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn && time.Since(at) >= g.boot {
					up(&vm.VirtualMachine)
				}
			})
		}
	}
}

func up(vm *mo.VirtualMachine) {
	if vm.Guest == nil {
		vm.Guest = &types.GuestInfo{}
	}
	vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
	vm.Guest.ToolsStatus = types.VirtualMachineToolsStatusToolsOk
	vm.Guest.GuestState = "running"
	vm.Guest.IpAddress = "10.0.0." + fmt.Sprint(2+len(vm.Name)%200)
	vm.Summary.QuickStats.GuestHeartbeatStatus = types.ManagedEntityStatusGreen
}

func down(vm *mo.VirtualMachine) {
	if vm.Guest == nil {
		vm.Guest = &types.GuestInfo{}
	}
	vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)
	vm.Guest.GuestState = "notRunning"
	vm.Guest.IpAddress = ""
	vm.Summary.QuickStats.GuestHeartbeatStatus = types.ManagedEntityStatusGray
}
